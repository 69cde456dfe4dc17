"""Files that are not workbooks get one sentence; hostile workbooks are refused before they can hurt."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import Limits, patch_workbook, sniff_workbook

from .builders import build_planner, rewrite, zip_of

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


NOT_WORKBOOKS = [
    ("empty", lambda _: b"", "is empty (0 bytes)"),
    ("csv", lambda _: b"partner,arr\nAcme,100\n", "looks like a CSV text file"),
    ("html", lambda _: b"<!DOCTYPE html><html><body>Sign in</body></html>", "is an HTML page"),
    ("pdf", lambda _: b"%PDF-1.7\n...", "is a PDF document"),
    ("text", lambda _: b"just some notes\n", "is a text file"),
    ("truncated", lambda good: good[: len(good) // 2], "is a damaged or truncated zip archive"),
    ("xls", lambda _: OLE + "Workbook".encode("utf-16-le"), "legacy Excel 97-2003 workbook (.xls)"),
    ("encrypted", lambda _: OLE + "EncryptedPackage".encode("utf-16-le"), "encrypted (password-protected)"),
    ("docx", lambda _: docx_bytes(), "is a Word document (.docx)"),
    (
        "xlsb",
        lambda _: zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\0"}),
        "binary Excel workbook",
    ),
    ("ods", lambda _: zip_of({"mimetype": b"application/vnd.oasis", "content.xml": b"<x/>"}), "OpenDocument"),
    ("zip", lambda _: zip_of({"readme.txt": b"hi"}), "zip archive but not an Excel workbook"),
    ("binary", lambda _: bytes(range(256)) * 4, "is not an Excel workbook"),
]


@pytest.mark.parametrize(("kind", "make", "sentence"), NOT_WORKBOOKS, ids=[k for k, _, _ in NOT_WORKBOOKS])
def test_a_file_that_is_not_a_workbook_gets_one_sentence(
    tmp_path: Path, kind: str, make, sentence: str
) -> None:
    good = build_planner(tmp_path / "good.xlsm").read_bytes()
    path = tmp_path / "planner.xlsm"
    # Made once: a .docx saved twice differs in its zip timestamps when a second turns over.
    data = make(good)
    path.write_bytes(data)
    with pytest.raises(WorkbookError, match=f"^planner.xlsm .*{re.escape(sentence)}") as caught:
        patch_workbook(path, columns={"Partners": {"Tier": ["x"] * 5}})
    assert "\n" not in str(caught.value)
    with pytest.raises(WorkbookError, match=re.escape(sentence)):
        sniff_workbook(path)
    assert path.read_bytes() == data


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="does not exist"):
        patch_workbook(tmp_path / "nope.xlsm")
    with pytest.raises(WorkbookError, match="is a folder"):
        patch_workbook(tmp_path)


def test_a_zip_bomb_is_refused_by_its_ratio(planner: Path) -> None:
    with zipfile.ZipFile(planner, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(WorkbookError, match="compressed more than 250 to 1, which only zip bombs do"):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}})


def test_parts_over_the_size_limits_are_refused(planner: Path) -> None:
    with pytest.raises(WorkbookError, match="over the 1,000-byte limit; it may be a zip bomb"):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}}, limits=Limits(max_part_bytes=1000))
    with pytest.raises(WorkbookError, match=r"inflates to .* bytes, over the 5,000-byte limit"):
        patch_workbook(
            planner, columns={"Partners": {"Tier": ["x"] * 5}}, limits=Limits(max_total_bytes=5000)
        )
    with pytest.raises(WorkbookError, match="over the 100-byte limit"):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}}, limits=Limits(max_file_bytes=100))


def test_xml_with_entities_is_refused(planner: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'

    rewrite(planner, "xl/worksheets/sheet2.xml", lambda data: bomb + data[data.index(b"<worksheet") :])
    with pytest.raises(
        WorkbookError, match=re.escape("has a part (xl/worksheets/sheet2.xml) with a DOCTYPE")
    ):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}})


def test_a_lying_dimension_is_not_believed(planner: Path) -> None:
    rewrite(
        planner,
        "xl/worksheets/sheet2.xml",
        lambda d: d.replace(b'<dimension ref="A1:I6"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}}, backup=False)
    with zipfile.ZipFile(planner) as archive:
        assert b'<dimension ref="A1:I6"/>' in archive.read("xl/worksheets/sheet2.xml")


def test_a_damaged_sheet_part_is_named(planner: Path) -> None:
    rewrite(planner, "xl/worksheets/sheet2.xml", lambda d: d[:-40])
    with pytest.raises(WorkbookError, match=re.escape("has a damaged part (xl/worksheets/sheet2.xml)")):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}})


def test_strict_open_xml_is_named(planner: Path) -> None:
    transitional = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    strict = b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    rewrite(planner, "_rels/.rels", lambda d: d.replace(transitional, strict))
    with pytest.raises(WorkbookError, match="is saved as Strict Open XML"):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}})


def test_a_zip_entry_name_twice_is_refused(planner: Path) -> None:
    with zipfile.ZipFile(planner, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("xl/styles.xml", b"<styleSheet/>")
    with pytest.raises(WorkbookError, match=re.escape("has two zip entries named xl/styles.xml")):
        patch_workbook(planner, columns={"Partners": {"Tier": ["x"] * 5}})
