"""The workbook as a person meets it: shapes that cover nothing, headers that fit, print set-up, a form Overview.

Every rectangle is computed from the file itself: column widths and row heights from each sheet's
XML, buttons from their VML anchors, charts and pictures from their drawing anchors, so the test
sees what Excel and LibreOffice lay out.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from partnerkit.io.ooxml.parts import rels_part, resolve_target, sheet_parts
from partnerkit.io.ooxml.refs import parse_range, parse_ref
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.build import header_width

M = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
EMU_PER_PIXEL = 9525
Rect = tuple[float, float, float, float]  # left, top, right, bottom in pixels


@dataclass
class SheetGeometry:
    """Where a sheet's cells are, in pixels, from its column widths and row heights."""

    widths: dict[int, float]  # 0-based column -> pixels
    heights: dict[int, float]  # 0-based row -> pixels
    default_width: float = 64.0
    default_height: float = 20.0

    def x(self, col: int) -> float:
        return sum(self.widths.get(c, self.default_width) for c in range(col))

    def y(self, row: int) -> float:
        return sum(self.heights.get(r, self.default_height) for r in range(row))

    def cell(self, row: int, col: int) -> Rect:
        return (self.x(col), self.y(row), self.x(col + 1), self.y(row + 1))

    def cells(self, top: int, left: int, bottom: int, right: int) -> Rect:
        return (self.x(left), self.y(top), self.x(right + 1), self.y(bottom + 1))


@dataclass
class Shape:
    kind: str
    name: str
    rect: Rect


def overlap(a: Rect, b: Rect) -> bool:
    """True when two rectangles share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def geometry(sheet: etree._Element) -> SheetGeometry:
    widths: dict[int, float] = {}
    for col in sheet.iterfind("m:cols/m:col", M):
        for c in range(int(col.get("min")) - 1, int(col.get("max"))):
            widths[c] = round(float(col.get("width")) * 7)
    heights = {
        int(row.get("r")) - 1: float(row.get("ht")) * 4 / 3
        for row in sheet.iterfind("m:sheetData/m:row", M)
        if row.get("ht")
    }
    return SheetGeometry(widths, heights)


def used_cells(sheet: etree._Element) -> list[tuple[int, int]]:
    """Cells holding something to show: a value, a text or a formula."""
    out = []
    for cell in sheet.iterfind("m:sheetData/m:row/m:c", M):
        if len(cell):  # <v>, <is> or <f>
            row, col = parse_ref(cell.get("r"))
            out.append((row - 1, col - 1))
    return out


def shapes_and_tables(path: Path) -> dict[str, tuple[SheetGeometry, list[Shape], list[Rect], list[Rect]]]:
    """Per sheet: its geometry, its shapes, the rectangles of its used cells and of its tables."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for sheet_name, part in sheet_parts(archive).items():
            sheet = etree.fromstring(archive.read(part))
            geo = geometry(sheet)
            cells = [geo.cell(r, c) for r, c in used_cells(sheet)]
            tables: list[Rect] = []
            shapes: list[Shape] = []
            rels = rels_part(part)
            targets = []
            if rels in names:
                for rel in etree.fromstring(archive.read(rels)):
                    targets.append(
                        (rel.get("Type", "").rsplit("/", 1)[-1], resolve_target(part, rel.get("Target")))
                    )
            for kind, target in targets:
                if kind == "table":
                    top, left, bottom, right = parse_range(etree.fromstring(archive.read(target)).get("ref"))
                    tables.append(geo.cells(top - 1, left - 1, bottom - 1, right - 1))
                elif kind == "vmlDrawing":
                    vml = archive.read(target).decode()
                    for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
                        if 'ObjectType="Button"' not in shape:
                            continue
                        anchor = re.search(r"<x:Anchor>([^<]+)</x:Anchor>", shape)
                        caption = re.search(r"<font[^>]*>([^<]+)</font>", shape)
                        assert anchor, shape
                        lc, lo, tr, to, rc, ro, br, bo = (int(v) for v in anchor.group(1).split(","))
                        rect = (geo.x(lc) + lo, geo.y(tr) + to, geo.x(rc) + ro, geo.y(br) + bo)
                        shapes.append(Shape("button", caption.group(1) if caption else "?", rect))
                elif kind == "drawing":
                    drawing = etree.fromstring(archive.read(target))
                    for anchor in drawing:
                        start, end = anchor.find(f"{XDR}from"), anchor.find(f"{XDR}to")
                        if start is None or end is None:
                            continue

                        (x0, y0), (x1, y1) = _point(geo, start), _point(geo, end)
                        props = next(anchor.iter("{*}cNvPr"))
                        shapes.append(Shape("drawing", props.get("name"), (x0, y0, x1, y1)))
            out[sheet_name] = (geo, shapes, cells, tables)
    return out


def _point(geo: SheetGeometry, at: etree._Element) -> tuple[float, float]:
    """A drawing anchor's corner (a cell and an offset in EMU) in pixels."""
    col, col_off, row, row_off = (int(at.find(f"{XDR}{t}").text) for t in ("col", "colOff", "row", "rowOff"))
    return geo.x(col) + col_off / EMU_PER_PIXEL, geo.y(row) + row_off / EMU_PER_PIXEL


@pytest.fixture(scope="module")
def faces(built_xlsm: Path) -> dict[str, tuple[SheetGeometry, list[Shape], list[Rect], list[Rect]]]:
    return shapes_and_tables(built_xlsm)


def test_there_are_buttons_and_pictures_to_check(faces: dict) -> None:
    kinds = {(s.kind, sheet) for sheet, (_, shapes, _, _) in faces.items() for s in shapes}
    assert ("button", L.OVERVIEW) in kinds and ("button", L.PARTNERS) in kinds
    assert ("drawing", L.OVERVIEW) in kinds and ("drawing", L.SCHEDULE) in kinds  # the chart, the Gantt
    buttons = [s for _, shapes, _, _ in faces.values() for s in shapes if s.kind == "button"]
    assert len(buttons) > 15


def test_no_two_shapes_overlap(faces: dict) -> None:
    for sheet, (_, shapes, _, _) in faces.items():
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert not overlap(a.rect, b.rect), f"{sheet}: {a.name} overlaps {b.name}"


def test_no_shape_covers_a_used_cell_or_a_table(faces: dict) -> None:
    for sheet, (_, shapes, cells, tables) in faces.items():
        for shape in shapes:
            for cell in cells:
                assert not overlap(shape.rect, cell), f"{sheet}: {shape.name} covers a cell at {cell}"
            for table in tables:
                assert not overlap(shape.rect, table), f"{sheet}: {shape.name} covers a table at {table}"


def test_the_overlap_check_sees_an_overlap() -> None:
    assert overlap((0, 0, 10, 10), (9, 9, 20, 20)) and not overlap((0, 0, 10, 10), (10, 0, 20, 10))


def test_every_column_fits_its_header(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        parts = sheet_parts(archive)
        for table in L.TABLES:
            sheet = etree.fromstring(archive.read(parts[table.sheet]))
            widths = {}
            for col in sheet.iterfind("m:cols/m:col", M):
                for c in range(int(col.get("min")) - 1, int(col.get("max"))):
                    widths[c] = float(col.get("width"))
            left = _table_left(archive, table.name)
            for j, column in enumerate(table.columns):
                assert widths[left + j] >= header_width(column.header) - 0.5, (table.name, column.header)


def _table_left(archive: zipfile.ZipFile, name: str) -> int:
    for part in archive.namelist():
        if part.startswith("xl/tables/"):
            root = etree.fromstring(archive.read(part))
            if root.get("name") == name:
                return parse_range(root.get("ref"))[1] - 1
    raise KeyError(name)


def test_header_rows_are_frozen_and_printed_on_every_page(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        parts = sheet_parts(archive)
        workbook = archive.read("xl/workbook.xml").decode()
        header_row = L.PARTNERS_TABLE.first_row + 1
        for name in L.SHEETS:
            sheet = archive.read(parts[name]).decode()
            # Landscape, one page wide (fitToWidth and fitToHeight default to 1 page when absent), and
            # as many pages tall as the rows need, on every sheet.
            assert 'orientation="landscape"' in sheet, name
            assert '<pageSetUpPr fitToPage="1"/>' in sheet and "fitToWidth" not in sheet, name
            if name == L.OVERVIEW:  # one page, a form without a header row
                assert 'fitToHeight="0"' not in sheet and "<pane" not in sheet
                continue
            assert 'fitToHeight="0"' in sheet, name
            assert f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}"' in sheet, name
            title = f'<definedName name="_xlnm.Print_Titles" localSheetId="{L.SHEETS.index(name)}">'
            assert f"{title}{_quoted(name)}!${header_row}:${header_row}</definedName>" in workbook, name


def _quoted(name: str) -> str:
    return f"'{name}'" if not name.isalnum() else name


def test_money_percentages_and_dates_have_formats(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        styles = archive.read("xl/styles.xml").decode()
    for code in ("0.0%", "&quot;$&quot;#,##0", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "#,##0"):
        assert f'formatCode="{code}"' in styles, code


def test_input_and_result_cells_are_told_apart_with_a_legend(built_xlsm: Path) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built_xlsm))
    for name in L.SHEETS:
        rows = book.get_sheet_by_name(name).to_python()
        texts = {v for row in rows[:12] for v in row if isinstance(v, str)}
        assert "You edit" in texts and any(t.startswith("partnerkit writes") for t in texts), name
    with zipfile.ZipFile(built_xlsm) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'rgb="FFDDEBF7"' in styles  # the results' shading


def test_the_overview_is_a_form_in_words(built_xlsm: Path) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(built_xlsm), load_tables=True)
    overview = book.get_sheet_by_name(L.OVERVIEW).to_python()
    texts = [v for row in overview for v in row if isinstance(v, str) and v]
    for heading in (
        "How to use this workbook",
        "Buttons",
        L.SETTINGS.title,
        L.STATUS.title,
        "Product",
        "Integration partners",
        "Distribution partners",
        "Ecosystem partners",
    ):
        assert heading in texts, heading
    labels = [
        row[0]
        for name in L.KEY_VALUE_SECTIONS
        if L.table(name).sheet == L.OVERVIEW
        for row in book.get_table_by_name(name).to_python()
    ]
    assert "User overlap with our ICPs" in labels
    assert not [label for label in labels if "." in label or "_" in label]  # no dotted paths
    status = [row[0] for row in book.get_table_by_name("Status").to_python()]
    assert status == [r.label for r in L.STATUS_ROWS]


def test_a_button_over_a_heading_is_seen(tmp_path: Path) -> None:
    """The geometry finds what the issue found: a button covering a heading and another button."""
    import xlsxwriter

    path = tmp_path / "crowded.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Overview")
    ws.write_string(5, 0, "Heading")
    ws.insert_button(4, 0, {"caption": "A", "width": 150, "height": 40})  # down over row 6
    ws.insert_button(4, 1, {"caption": "B", "width": 150, "height": 20, "x_offset": -20})
    wb.close()
    _, shapes, cells, _ = shapes_and_tables(path)["Overview"]
    a, b = shapes
    assert overlap(a.rect, b.rect)
    assert any(overlap(a.rect, cell) for cell in cells)
