"""Pictures sync owns: only the image part changes, fitted to the frame; an unchanged key draws nothing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from partnerkit.io.xlsxpatch import PictureUpdate, patch_workbook
from partnerkit.io.xlsxpatch.pictures import fit_png, png_key, with_key
from tests.xlsxpatch.builders import build_planner, part_hashes, raw_entries


def png(width: int, height: int, colour: str = "blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def planner(tmp_path: Path) -> Path:
    return build_planner(tmp_path / "planner.xlsm")


def test_only_the_image_part_changes_and_keeps_its_frames_shape(planner: Path) -> None:
    before = raw_entries(planner)
    report = patch_workbook(planner, pictures={"Overview": {"Picture 1": png(300, 100)}}, backup=False)
    after = raw_entries(planner)
    assert report.changed_parts == ("xl/media/image1.png",)
    assert [n for n in before if before[n] != after.get(n)] == ["xl/media/image1.png"]
    import zipfile

    with (
        zipfile.ZipFile(planner) as archive,
        Image.open(io.BytesIO(archive.read("xl/media/image1.png"))) as image,
    ):
        assert image.width == image.height  # the logo's frame is square: padded, not stretched


def test_a_picture_that_shows_the_same_key_is_not_drawn(planner: Path) -> None:
    drawn: list[str] = []

    def render() -> bytes:
        drawn.append("drawn")
        return png(40, 40)

    patch_workbook(planner, pictures={"Overview": {"Picture 1": PictureUpdate("k1", render)}}, backup=False)
    hashes = part_hashes(planner)
    report = patch_workbook(planner, pictures={"Overview": {"Picture 1": PictureUpdate("k1", render)}})
    assert drawn == ["drawn"] and report.changed_parts == () and part_hashes(planner) == hashes
    patch_workbook(planner, pictures={"Overview": {"Picture 1": PictureUpdate("k2", render)}}, backup=False)
    assert drawn == ["drawn", "drawn"]


def test_a_missing_picture_is_a_warning(planner: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsm"
    shutil.copy(planner, copy)
    report = patch_workbook(copy, pictures={"Overview": {"Gantt": png(10, 10)}})
    assert report.changed_parts == () and "no picture named 'Gantt'" in report.warnings[0]
    assert copy.read_bytes() == planner.read_bytes()


def test_the_key_rides_in_the_png() -> None:
    image = png(20, 10)
    assert png_key(image) is None and png_key(with_key(image, "abc")) == "abc"
    fitted = fit_png(image, 50, 50, "xyz")
    assert png_key(fitted) == "xyz"
    with Image.open(io.BytesIO(fitted)) as shown:
        assert shown.size == (20, 20)
