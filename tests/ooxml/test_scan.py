"""The byte-level sheet scanner agrees with what the sheet's XML says, cell by cell."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.parts import sheet_parts
from partnerkit.io.ooxml.refs import cell_ref, range_ref
from partnerkit.io.ooxml.scan import SheetScan, percent_styles
from partnerkit.io.ooxml.xml import MAIN_NS

KINDS = ["number", "text", "formula", "uncalculated", "empty formula value", "styled blank"]
CELLS = st.dictionaries(
    st.tuples(st.integers(1, 60), st.integers(1, 40)),
    st.tuples(st.sampled_from(KINDS), st.one_of(st.none(), st.integers(0, 12))),
    max_size=80,
)
MERGES = st.lists(
    st.tuples(st.integers(1, 60), st.integers(1, 40), st.integers(0, 3), st.integers(1, 3)), max_size=4
)


def cell_xml(row: int, col: int, kind: str, style: int | None) -> str:
    s = f' s="{style}"' if style is not None else ""
    ref = cell_ref(row, col)
    return {
        "number": f'<c r="{ref}"{s}><v>{row * col}</v></c>',
        "text": f'<c r="{ref}"{s} t="inlineStr"><is><t>r{row}</t></is></c>',
        "formula": f'<c r="{ref}"{s}><f>A1+{col}</f><v>3</v></c>',
        "uncalculated": f'<c r="{ref}"{s}><f>SUM(A1:A{row})</f></c>',
        "empty formula value": f'<c r="{ref}"{s}><f>B1</f><v></v></c>',
        "styled blank": f'<c r="{ref}"{s}/>',
    }[kind]


def sheet_xml(cells: dict[tuple[int, int], tuple[str, int | None]], merges: list[str], rows: int) -> bytes:
    lines = [f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData>']
    for r in range(1, rows + 1):
        in_row = sorted((c, v) for (row, c), v in cells.items() if row == r)
        if not in_row:
            lines.append(f'<row r="{r}" ht="15"/>' if r % 3 == 0 else "")
            continue
        body = "".join(cell_xml(r, c, kind, style) for c, (kind, style) in in_row)
        lines.append(f'<row r="{r}" spans="1:40">{body}</row>')
    lines.append("</sheetData>")
    if merges:
        lines.append(f'<mergeCells count="{len(merges)}">')
        lines += [f'<mergeCell ref="{m}"/>' for m in merges]
        lines.append("</mergeCells>")
    lines.append("</worksheet>")
    return "".join(lines).encode()


@settings(max_examples=60, deadline=None)
@given(CELLS, MERGES, st.sets(st.integers(0, 12), max_size=4), st.sets(st.integers(0, 39), max_size=5))
def test_the_scan_agrees_with_the_cells(
    cells: dict[tuple[int, int], tuple[str, int | None]],
    merges: list[tuple[int, int, int, int]],
    styles: set[int],
    columns: set[int],
) -> None:
    merged = [range_ref(r, c, r + h, c + w) for r, c, h, w in merges]
    scan = SheetScan(sheet_xml(cells, merged, rows=66))
    uncalculated = {(r - 1, c - 1) for (r, c), (kind, _) in cells.items() if kind in KINDS[3:5]}
    assert scan.formulas_without_value() == uncalculated
    assert scan.merged_ranges() == [((r - 1, c - 1), (r + h - 1, c + w - 1)) for r, c, h, w in merges]
    outside = {
        (r - 1, c - 1)
        for (r, c), (_, style) in cells.items()
        if c - 1 in columns and (style or 0) not in styles
    }
    assert scan.cells_outside_styles(columns, styles) == outside
    last_row = max((r for r, _ in cells), default=0)
    last_col = max((c for _, c in cells), default=0)
    assert scan.used_extent() == (last_row, last_col)


def test_columns_past_z_are_not_confused_with_shorter_letters() -> None:
    cells = {(2, 1): ("number", 1), (2, 27): ("number", 2), (3, 28): ("number", None)}
    scan = SheetScan(sheet_xml(cells, [], rows=3))
    assert scan.cells_outside_styles([0, 26, 27], {2}) == {(1, 0), (2, 27)}
    assert scan.used_extent() == (3, 28)


def test_percent_styles_are_the_formats_showing_a_percentage() -> None:
    styles = (
        '<styleSheet><numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/>'
        '<numFmt numFmtId="165" formatCode="&quot;%&quot;0"/><numFmt numFmtId="166" formatCode="0\\%"/>'
        "</numFmts><cellXfs>"
        '<xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164" applyNumberFormat="1"/>'
        '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="10"></xf>'
        "</cellXfs></styleSheet>"
    )
    assert percent_styles(styles.encode()) == {1, 2, 5}


def test_a_real_workbook_scans_as_python_calamine_and_lxml_read_it(tmp_path: Path) -> None:
    import xlsxwriter
    from lxml import etree

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    percent = book.add_format({"num_format": "0%"})
    sheet = book.add_worksheet("Partners & Co")
    for r in range(1, 40):
        sheet.write_number(r, 0, r)
        sheet.write_number(r, 2, r / 100, percent if r % 2 else None)
    sheet.merge_range("E3:F5", "merged")
    sheet.write_formula("H2", "=A2*2", None, 4)
    book.close()
    package = Package(path.read_bytes())
    parts = sheet_parts(package)
    assert list(parts) == ["Partners & Co"]
    xml = package.read(parts["Partners & Co"])
    scan = SheetScan(xml)
    assert scan.merged_ranges() == [((2, 4), (4, 5))]
    assert scan.formulas_without_value() == frozenset()
    assert scan.used_extent() == (40, 8)
    styles = percent_styles(package.read("xl/styles.xml"))
    plain = scan.cells_outside_styles([2], styles)
    root = etree.fromstring(xml)
    shown = {c.get("r"): c.get("s") for c in root.iter(f"{{{MAIN_NS}}}c") if c.get("r", "").startswith("C")}
    assert {cell_ref(r + 1, c + 1) for r, c in plain} == {
        ref for ref, s in shown.items() if int(s or 0) not in styles
    }
    assert len(plain) == 19
