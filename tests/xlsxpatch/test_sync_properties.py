"""Properties: any text a partner types comes back as the same literal text; numbers stay numbers."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import patch_bytes, patch_workbook
from partnerkit.io.xlsxpatch.cells import storable_text

from .builders import build_planner, zip_of

with tempfile.TemporaryDirectory() as folder:
    PLANNER = build_planner(Path(folder) / "planner.xlsm").read_bytes()

TRICKY = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "=1+1",
        "+1",
        "-2",
        "@SUM(A1)",
        "\t=cmd|' /C calc'!A0",
        "\r\n",
        "\u202eevil\u202c",  # right-to-left override
        "\u200f\u05e9\u05dc\u05d5\u05dd",  # right-to-left mark and Hebrew
        "_x0041_",
        "_x005F_x0041_",
        "\x00\x01\x1f",
        "\ufffe\uffff",  # non-characters: stored as U+FFFD, the one documented change
        " leading and trailing ",
        "a & b < c > d \" e ' f",
        "]]>",
    ]
)
TEXT = st.one_of(
    TRICKY, st.text(max_size=60), st.lists(TRICKY | st.text(max_size=5), max_size=4).map("".join)
)


def read_back(data: bytes, sheet: str) -> list[list[object]]:
    rows: list[list[object]] = (
        CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )
    return rows


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=5, max_size=5), st.lists(st.lists(TEXT, min_size=3, max_size=3), max_size=4))
def test_any_text_round_trips_as_literal_text(tiers: list[str], problems: list[list[str]]) -> None:
    header = ["Sheet", "Cell", "Problem"]
    patched = patch_bytes(
        PLANNER, columns={"Partners": {"Tier": tiers}}, sheets={"Problems": [header, *problems]}
    )
    rows = read_back(patched.data, "Partners")
    assert [r[2] for r in rows[1:6]] == [storable_text(t) for t in tiers]
    written = read_back(patched.data, "Problems")
    assert written[0] == header
    written += [[]] * len(problems)  # trailing rows of empty cells are not read back at all
    got = [[*row, "", "", ""][:3] for row in written[1 : 1 + len(problems)]]
    assert got == [[storable_text(t) for t in p] for p in problems]
    with zipfile.ZipFile(io.BytesIO(patched.data)) as archive:
        own_formulas = archive.read("xl/worksheets/sheet2.xml").count(b"<f>")
        assert own_formulas == 6  # the fixture's own; none was made from data
        assert b"<f" not in archive.read("xl/worksheets/sheet4.xml")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False), st.booleans()
        ),
        min_size=5,
        max_size=5,
    )
)
def test_numbers_and_booleans_keep_their_type(values: list[object]) -> None:
    patched = patch_bytes(PLANNER, columns={"Partners": {"Top gaps": values}})
    got = [r[4] for r in read_back(patched.data, "Partners")[1:6]]
    for want, have in zip(values, got, strict=True):
        assert type(have) is bool if isinstance(want, bool) else not isinstance(have, (bool, str))
        assert have == want or (want == 0 and have == 0)


CHANGES = {
    "columns": {"Partners": {"Tier": ["a"] * 5}},
    "sheets": {"Problems": [["Sheet", "Cell", "Problem"]]},
}
PARTS = [
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet4.xml",
    "xl/worksheets/_rels/sheet2.xml.rels",
    "xl/tables/table1.xml",
    "xl/tables/table2.xml",
    "_rels/.rels",
]


def patch_or_refuse(data: bytes) -> None:
    """Patching either works or raises WorkbookError; nothing else may escape."""
    try:
        patched = patch_bytes(data, **CHANGES)  # type: ignore[arg-type]
    except WorkbookError:
        return
    assert patched.data[:2] == b"PK"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(PLANNER) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_corrupted_bytes_give_only_workbook_errors(flips: list[tuple[int, int]]) -> None:
    data = bytearray(PLANNER)
    for where, byte in flips:
        data[where] = byte
    patch_or_refuse(bytes(data))


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from(PARTS),
    st.integers(0, 10_000),
    st.integers(0, 60),
    st.binary(max_size=40) | TEXT.map(str.encode),
)
def test_damaged_parts_give_only_workbook_errors(part: str, start: int, cut: int, insert: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(PLANNER)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    body = entries[part]
    at = start % (len(body) + 1)
    entries[part] = body[:at] + insert + body[at + cut :]
    patch_or_refuse(zip_of(entries))


@settings(max_examples=40, deadline=None)
@given(
    st.binary(max_size=2000) | st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b) | TEXT.map(str.encode)
)
def test_any_file_gives_a_workbook_error(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "planner.xlsm"
        path.write_bytes(content)
        with pytest.raises(WorkbookError, match=r"^planner\.xlsm "):
            patch_workbook(path, **CHANGES)  # type: ignore[arg-type]
        assert path.read_bytes() == content


def test_a_zip_entry_of_an_unsupported_version_is_a_workbook_error() -> None:
    """zipfile raises NotImplementedError for "zip file version 6.4"; it must come out as one sentence."""
    data = bytearray(PLANNER)
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    first = archive.infolist()[0]
    # "version needed to extract" sits 4 bytes into the local file header.
    data[first.header_offset + 4] = 64
    central = bytes(data).find(b"PK\x01\x02")
    data[central + 6] = 64
    with pytest.raises(WorkbookError):
        patch_bytes(bytes(data), **CHANGES)  # type: ignore[arg-type]
