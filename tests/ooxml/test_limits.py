"""The one set of limits: a zip bomb is refused by every door, in one sentence naming the file."""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from partnerkit.errors import PartnerkitError, TemplateError, UnreadableFileError, WorkbookError
from partnerkit.io.ooxml.errors import DamagedPackage, RefusedPackage
from partnerkit.io.ooxml.limits import FACTS_LIMITS, TEMPLATE_LIMITS, WORKBOOK_LIMITS, Limits, amount
from partnerkit.io.ooxml.package import Package

from .builders import CENTRAL_SIG, declare_sizes, workbook_parts, zip_of

MiB = 1024 * 1024


def ratio_bomb() -> bytes:
    """One entry of zeros that inflates a thousandfold."""
    return zip_of({**workbook_parts(), "xl/media/bomb.bin": b"\0" * (16 * MiB)})


def crowd() -> bytes:
    """One more zip entry than the limits allow."""
    entries = {f"xl/media/{i}.bin": b"" for i in range(WORKBOOK_LIMITS.max_entries + 1)}
    return zip_of({**workbook_parts(), **entries})


def too_large_in_total() -> bytes:
    """Six entries, each plausible on its own (200 MiB at 200 to 1), 1.2 GiB together."""
    parts = {f"xl/media/{i}.bin": os.urandom(MiB) for i in range(6)}
    stored = zip_of({**workbook_parts(), **parts}, method=0)
    return declare_sizes(stored, dict.fromkeys(parts, 200 * MiB))


BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "ratio": (
        ratio_bomb,
        r"has a part \(xl/media/bomb.bin\) compressed suspiciously well: compressed more than 250 to 1, "
        "which only zip bombs do; refusing a zip bomb$",
    ),
    "entries": (crowd, r"has 10,003 zip entries, more than the 10,000 allowed$"),
    "total": (
        too_large_in_total,
        r"unpacks to 1,258 MB: it inflates to 1,258,291,\d+ bytes, over the [\d,]+-byte limit; it may be a zip bomb$",
    ),
}


def read_as_plan(path: Path) -> None:
    from partnerkit.io.workbook.read import load_plan_from_workbook

    load_plan_from_workbook(path)


def read_as_facts(path: Path) -> None:
    from partnerkit.io.facts import load_facts
    from partnerkit.io.planfile import load_example_plan

    load_facts(path, load_example_plan())


def sync(path: Path) -> None:
    from partnerkit.io.xlsxpatch import patch_workbook

    patch_workbook(path, columns={"Partners": {"Tier": ["Gold"]}})


def load_template(path: Path) -> None:
    from partnerkit.io.word.engine import WordTemplate

    WordTemplate.load(path.with_suffix(".docx"))


DOORS: dict[str, tuple[Callable[[Path], None], type[PartnerkitError], str]] = {
    "workbook reader": (read_as_plan, UnreadableFileError, "{path}: "),
    "facts reader": (read_as_facts, UnreadableFileError, "{path}: "),
    "workbook sync": (sync, WorkbookError, "{name} "),
    "Word engine": (load_template, TemplateError, "{name} "),
}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    out = {}
    for kind, (make, _) in BOMBS.items():
        data = make()
        (folder / kind).mkdir()
        out[kind] = folder / kind / "bomb.xlsx"
        out[kind].write_bytes(data)
        out[kind].with_suffix(".docx").write_bytes(data)
    return out


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("kind", BOMBS)
def test_every_door_refuses_a_bomb_in_one_sentence_naming_the_file(
    bombs: dict[str, Path], kind: str, door: str
) -> None:
    path = bombs[kind]
    call, error, starts = DOORS[door]
    if kind == "total" and door == "facts reader":
        # Facts tables may unpack to 1 GiB (dated exports): the same archive, declared a little larger.
        path = path.with_name("bigger.xlsx")
        parts = {f"xl/media/{i}.bin": 220 * MiB for i in range(6)}
        path.write_bytes(declare_sizes(bombs[kind].read_bytes(), parts))
    shown = path.with_suffix(".docx") if door == "Word engine" else path
    with pytest.raises(error) as caught:
        call(path)
    message = str(caught.value)
    assert message.startswith(starts.format(path=shown, name=shown.name)), message
    assert "\n" not in message and "Traceback" not in message
    if not (kind == "total" and door == "facts reader"):
        assert re.search(BOMBS[kind][1], message), message
    assert re.search(r"zip bomb|zip entries", message)


def test_the_limits_are_one_documented_set() -> None:
    assert Limits() == WORKBOOK_LIMITS
    assert (WORKBOOK_LIMITS.max_file_bytes, WORKBOOK_LIMITS.max_total_bytes) == (256 * MiB, 512 * MiB)
    assert (WORKBOOK_LIMITS.max_ratio, WORKBOOK_LIMITS.ratio_applies_above) == (250, 4 * MiB)
    # The two variants differ only where their callers need it.
    assert FACTS_LIMITS.max_rows > WORKBOOK_LIMITS.max_rows
    assert FACTS_LIMITS.max_ratio == WORKBOOK_LIMITS.max_ratio
    assert TEMPLATE_LIMITS.max_total_bytes < WORKBOOK_LIMITS.max_total_bytes
    assert TEMPLATE_LIMITS.max_ratio == WORKBOOK_LIMITS.max_ratio


def test_small_parts_may_compress_absurdly_well() -> None:
    package = Package(zip_of({"xl/sharedStrings.xml": b"<sst/>" * 500_000}))  # 3 MB of one tag
    assert len(package.read("xl/sharedStrings.xml")) == 3_000_000


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(zip_of(workbook_parts()))
    with pytest.raises(RefusedPackage, match=r"^is \d+ bytes \(\d+ bytes\), over the 100-byte limit$"):
        Package.open(path, Limits(max_file_bytes=100))


def test_a_part_never_inflates_beyond_its_declared_size() -> None:
    data = declare_sizes(zip_of({"xl/workbook.xml": b"<workbook/>" * 1000}), {"xl/workbook.xml": 11})
    package = Package(data)
    with pytest.raises(DamagedPackage, match=r"damaged part \(xl/workbook.xml\).*checksum"):
        package.read("xl/workbook.xml")


def test_a_part_shorter_than_its_declared_size_is_damaged_when_read_from_its_start() -> None:
    # The first-row reader asks for more and more of a part until it has all of its declared size:
    # a part that ends sooner made it ask forever (found by the fuzz test of facts workbooks).
    from partnerkit.io.ooxml.firstrow import SharedStrings, first_row

    strings = b"<sst>" + b"<si><t>x</t></si>" * 10_000 + b"</sst>"
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>9999</v></c></row></sheetData></worksheet>'
    parts = {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet}
    for name, size in (("xl/sharedStrings.xml", 400_000), ("xl/worksheets/sheet1.xml", 90_000)):
        package = Package(declare_sizes(zip_of(parts), {name: size}))
        with pytest.raises(
            DamagedPackage, match=rf"damaged part \({re.escape(name)}\): it holds fewer bytes"
        ):
            first_row(package, "xl/worksheets/sheet1.xml", SharedStrings(package))
    whole = Package(zip_of(parts))
    assert first_row(whole, "xl/worksheets/sheet1.xml", SharedStrings(whole)) == ["x"]


def test_overlapping_entries_are_refused() -> None:
    data = bytearray(zip_of({"a.xml": b"<a/>" * 100, "b.xml": b"<b/>" * 100}))
    first = data.find(CENTRAL_SIG)
    second = data.find(CENTRAL_SIG, first + 4)
    struct.pack_into("<L", data, second + 42, struct.unpack_from("<L", data, first + 42)[0])
    with pytest.raises(RefusedPackage, match="overlapping zip entries, a trick of zip bombs"):
        Package(bytes(data))


def test_amounts_read_as_people_read_them() -> None:
    assert [amount(n) for n in (900, 34_000, 12_000_000, 2_500_000_000)] == [
        "900 bytes",
        "34 KB",
        "12 MB",
        "2,500 MB",
    ]
