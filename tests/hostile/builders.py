"""Hostile and messy workbooks made from real ones: a stray far cell, a formula saved without its value."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.parts import sheet_parts
from partnerkit.io.ooxml.refs import parse_ref


def _rewrite(path: Path, part: str, edit: bytes) -> None:
    """Replace one part of the zip at ``path`` by ``edit``, every other entry copied."""
    source = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, edit if info.filename == part else old.read(info.filename))
    path.write_bytes(out.getvalue())


def sheet_part(path: Path, sheet: str) -> str:
    """The part of a workbook that holds ``sheet``."""
    return sheet_parts(Package(path.read_bytes()))[sheet]


def add_cells(path: Path, sheet: str, cells: dict[str, str]) -> Path:
    """Add cells (``"XFD1048576": "<v>1</v>"``, the cell's inner XML) as new rows below the sheet's data."""
    part = sheet_part(path, sheet)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part)
    rows: dict[int, list[str]] = {}
    for ref, inner in sorted(cells.items(), key=lambda item: parse_ref(item[0])):
        rows.setdefault(parse_ref(ref)[0], []).append(f'<c r="{ref}">{inner}</c>')
    added = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData>" + added.encode() + b"</sheetData>")
    else:
        xml = xml.replace(b"</sheetData>", added.encode() + b"</sheetData>")
    _rewrite(path, part, xml)
    return path


def add_far_cell(path: Path, sheet: str, ref: str = "XFD1048576") -> Path:
    """One real cell, holding a number, at ``ref`` (the far corner of the grid by default)."""
    return add_cells(path, sheet, {ref: "<v>1</v>"})


def replace_cell(path: Path, sheet: str, ref: str, cell_xml: str) -> Path:
    """Put ``cell_xml`` (a whole ``<c r="...">`` element) in place of the cell at ``ref``."""
    part = sheet_part(path, sheet)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part).decode("utf-8")
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.S)
    edited, count = pattern.subn(lambda _: cell_xml, xml, count=1)
    if not count:
        raise AssertionError(f"no cell {ref} on {sheet} to replace")
    _rewrite(path, part, edited.encode("utf-8"))
    return path


def drop_cached_value(path: Path, sheet: str, ref: str, formula: str = "1+1") -> Path:
    """Turn the cell at ``ref`` into a formula saved without its value, as a program that does not
    calculate writes it (openpyxl, a script)."""
    return replace_cell(path, sheet, ref, f'<c r="{ref}"><f>{formula}</f></c>')


def show_error(path: Path, sheet: str, ref: str, error: str = "#N/A") -> Path:
    """Turn the cell at ``ref`` into a formula whose result is an error value, as Excel saves it."""
    return replace_cell(path, sheet, ref, f'<c r="{ref}" t="e"><f>NA()</f><v>{error}</v></c>')


_CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)
_WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def one_sheet_workbook(sheet_data: bytes) -> bytes:
    """The smallest .xlsx python-calamine reads: one sheet, named S, whose ``<sheetData>`` holds ``sheet_data``."""
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>'.encode()
        + sheet_data
        + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()
