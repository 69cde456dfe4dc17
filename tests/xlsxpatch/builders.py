"""Fixture workbooks for sync: VBA, form buttons, a chart, an image, formulas with cached values, tables."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

PARTNER_HEADERS = ["Partner", "ARR", "Tier", "Change", "Top gaps", "ARR x2"]
PROBLEM_HEADERS = ["Sheet", "Cell", "Problem"]
PIVOT_CACHE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" recordCount="5">'
    b'<cacheSource type="worksheet"><worksheetSource ref="A1:F6" sheet="Partners"/></cacheSource>'
    b"</pivotCacheDefinition>"
)
CONTROL_PROPS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="CheckBox"/>'
)


def xlwings_vba_project() -> bytes:
    """The vbaProject.bin of the installed xlwings' standalone quickstart workbook."""
    import xlwings

    quickstart = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(quickstart) as archive:
        return archive.read("xl/vbaProject.bin")


def tiny_png() -> bytes:
    """A 2x2 red PNG, made by hand so the fixtures need no imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def build_planner(path: Path, partners: int = 5, problems: int = 2, vba: bool = True) -> Path:
    """A planning workbook like the one partnerkit builds, with everything sync must not disturb."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    if vba:
        wb.add_vba_project(io.BytesIO(xlwings_vba_project()), is_stream=True)
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "$#,##0"})
    fill = wb.add_format({"bg_color": "#FFF2CC"})

    overview = wb.add_worksheet("Overview")
    overview.write_string(0, 0, "Partner planner", bold)
    overview.insert_button(2, 0, {"macro": "SampleCall", "caption": "Evaluate tiers", "width": 140})
    overview.insert_button(5, 0, {"macro": "SampleCall", "caption": "Validate", "width": 140})
    overview.insert_image(8, 0, "logo.png", {"image_data": io.BytesIO(tiny_png())})

    sheet = wb.add_worksheet("Partners")
    data = []
    for i in range(partners):
        arr = 1000 * (i + 1)
        data.append([f"Partner {i}", arr, "old tier", None, None])
    columns = [
        {"header": "Partner"},
        {"header": "ARR", "format": money},
        {"header": "Tier", "format": fill},
        {"header": "Change"},
        {"header": "Top gaps"},
        {"header": "ARR x2", "formula": "=[@ARR]*2", "format": money},
    ]
    sheet.add_table(
        0, 0, max(partners, 1), len(columns) - 1, {"name": "Partners", "data": data, "columns": columns}
    )
    for i in range(partners):  # cached values, as Excel would have stored them
        sheet.write_formula(i + 1, 5, "=Partners[[#This Row],[ARR]]*2", money, 2000 * (i + 1))
    sheet.write_string(0, 8, "Notes beside the table", bold)
    sheet.write_formula(1, 8, "=SUM(Partners[ARR])", money, sum(1000 * (i + 1) for i in range(partners)))
    sheet.freeze_panes(1, 0)

    summary = wb.add_worksheet("Summary")
    summary.write_string(0, 0, "Total ARR")
    summary.write_formula(
        0, 1, "=SUM(Partners!B2:B1000)", money, sum(1000 * (i + 1) for i in range(partners))
    )
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "ARR",
            "categories": ["Partners", 1, 0, partners, 0],
            "values": ["Partners", 1, 1, partners, 1],
        }
    )
    summary.insert_chart(2, 0, chart)

    issues = wb.add_worksheet("Problems")
    rows = [["Partners", f"B{i + 2}", f"old problem {i}"] for i in range(problems)]
    issues.add_table(
        0,
        0,
        max(problems, 1),
        2,
        {"name": "Problems", "data": rows, "columns": [{"header": h} for h in PROBLEM_HEADERS]},
    )
    issues.set_column(2, 2, 60)

    notes = wb.add_worksheet("Notes")
    notes.write_string(0, 0, "Shared strings live here", bold)
    notes.write_number(1, 0, 3.25)
    wb.close()
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        # Parts xlsxwriter cannot make but users' workbooks carry: a pivot cache, custom XML, a
        # Excel-2010 form control. Sync must carry them along untouched like everything else.
        archive.writestr("xl/pivotCache/pivotCacheDefinition1.xml", PIVOT_CACHE)
        archive.writestr("customXml/item1.xml", b'<?xml version="1.0"?><partnerkit-test kept="yes"/>')
        archive.writestr("xl/ctrlProps/ctrlProp1.xml", CONTROL_PROPS)
    return path


def part_hashes(path: Path) -> dict[str, str]:
    """sha256 of every zip part's content, by name."""
    with zipfile.ZipFile(path) as archive:
        return {n: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}


def raw_entries(path: Path) -> dict[str, bytes]:
    """Every zip entry's local header and compressed bytes, exactly as stored."""
    data = path.read_bytes()
    out = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            start = info.header_offset
            name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
            body = start + 30 + name_len + extra_len
            out[info.filename] = data[start : body + info.compress_size]
    return out


def zip_of(entries: dict[str, bytes]) -> bytes:
    """A zip archive holding ``entries``, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a workbook with ``change`` (to build broken or unusual fixtures)."""
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    entries[part] = change(entries.get(part, b""))
    path.write_bytes(zip_of(entries))
