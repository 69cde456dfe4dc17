"""Write the planning workbook with xlsxwriter: a form on the Overview, tables, dropdowns, formats, buttons.

Every text a partner typed is written as text (``strings_to_formulas=False`` and ``write_string``),
so a partner called ``=HYPERLINK("http://x")`` stays a name and never becomes a formula.

Each working sheet opens with its title and what it is for (row 1) and its buttons (row 2), above
the tables' header row (row 3), which stays in view when scrolling and heads every printed page.
Buttons and pictures are placed on cells nothing else uses (``tests/workbook/test_workbook_face.py``
checks every shape's rectangle against the cells and tables of its sheet).
"""

from __future__ import annotations

import io
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellValue
from partnerkit.io.workbook.formats import number_format
from partnerkit.io.workbook.labels import parse_label, path_of
from partnerkit.io.workbook.layout import Kind, Table
from partnerkit.io.workbook.rows import plan_rows
from partnerkit.model import Plan

INPUT_FILL, RESULT_FILL, HEADING_COLOUR = "#FFFFFF", "#DDEBF7", "#1F4E78"
# How many rows below a table's data the dropdowns reach, so rows the user adds get them too.
SPARE_ROWS = 1000
TOOLBAR_ROW = 1  # the row of each working sheet's buttons (0-based)
BUTTON_HEIGHT, BUTTON_GAP = 24, 8
TITLE_ROW_HEIGHT, TOOLBAR_ROW_HEIGHT = 24.0, 24.0  # points


@dataclass(frozen=True)
class Button:
    """A button of the workbook: its caption, the sheets it sits on (the first is its home) and its action."""

    action: str
    caption: str
    sheet: str
    also: tuple[str, ...] = ()

    @property
    def sheets(self) -> tuple[str, ...]:
        """Every sheet that shows this button."""
        return (self.sheet, *self.also)


BUTTONS: tuple[Button, ...] = (
    Button("validate", "Validate", L.PROBLEMS, (L.PARTNERS, L.METRICS, L.ASSUMPTIONS, L.SOURCES)),
    Button("evaluate_tiers", "Evaluate tiers", L.PARTNERS, (L.TIERS, L.FACTS)),
    Button("review_tiers", "Review tiers", L.REVIEW, (L.PARTNERS, L.TIERS, L.FACTS)),
    Button("check_terms", "Check terms", L.TERMS, (L.AGREEMENTS,)),
    Button("generate_agreements", "Generate agreements", L.AGREEMENTS, (L.TERMS,)),
    Button("schedule_roadmap", "Schedule roadmap", L.SCHEDULE, (L.ROADMAP,)),
    Button("generate_strategy_report", "Generate strategy report", L.OVERVIEW),
    Button("check_deals", "Check deals", L.DEALS),
    Button("run_payouts", "Run payouts", L.PAYOUTS, (L.DEALS,)),
    Button("program_actuals", "Program actuals", L.ACTUALS, (L.SURVEY, L.METRICS, L.DEALS)),
)


def header_width(header: str) -> float:
    """A column width (in characters) that shows ``header`` whole in bold, beside its filter button."""
    return round(len(header) * 1.2 + 3.5, 1)


def column_width(column: L.Column) -> float:
    """The width of a table column: its own, or wider so that its header fits."""
    return max(column.width, header_width(column.header))


def pixels(width: float) -> int:
    """A column width in characters as Excel shows it in pixels (Calibri 11: 7 pixels a digit)."""
    return 0 if width <= 0 else int(width * 7 + 0.5) + 5


def _write(ws: Any, row: int, col: int, value: CellValue, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime | date):
        ws.write_datetime(
            row,
            col,
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day),
            fmt,
        )
    else:
        ws.write_string(row, col, str(value), fmt)


class _Formats:
    """The workbook's cell formats, made once each."""

    def __init__(self, wb: Any, currency: str) -> None:
        self.wb = wb
        self.currency = currency
        self._made: dict[tuple[Kind, bool, bool], Any] = {}
        self.plain = wb.add_format({"valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": HEADING_COLOUR})
        self.big_title = wb.add_format({"bold": True, "font_size": 20, "font_color": HEADING_COLOUR})
        self.heading = wb.add_format(
            {
                "bold": True,
                "font_size": 13,
                "font_color": HEADING_COLOUR,
                "bottom": 2,
                "bottom_color": "#9BC2E6",
            }
        )
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.heading_note = wb.add_format(
            {
                "italic": True,
                "font_color": "#595959",
                "bottom": 2,
                "bottom_color": "#9BC2E6",
                "align": "right",
            }
        )
        self.text = wb.add_format({"valign": "top"})
        self.label = wb.add_format({"valign": "top", "bold": True, "text_wrap": True})
        self.legend_input = wb.add_format({"bg_color": INPUT_FILL, "border": 1, "border_color": "#8EA9DB"})
        self.legend_result = wb.add_format({"bg_color": RESULT_FILL, "border": 1, "border_color": "#8EA9DB"})

    def cell(self, kind: Kind, *, result: bool = False, wrap: bool = False) -> Any:
        """The format of a cell holding ``kind``: its number format, shaded when partnerkit writes it."""
        key = (kind, result, wrap)
        if key not in self._made:
            spec: dict[str, Any] = {"valign": "top"}
            code = number_format(kind, self.currency)
            if code is not None:
                spec["num_format"] = code
            if result:
                spec["bg_color"] = RESULT_FILL
            if wrap:
                spec["text_wrap"] = True
            self._made[key] = self.wb.add_format(spec)
        return self._made[key]

    def of(self, column: L.Column, unit: str | None = None, *, shaded: bool = True) -> Any:
        """The format of a column's cells (a metric's follows its unit); ``shaded=False`` for the whole
        column's format, which must not paint the rows above and below the table."""
        kind = column.kind
        if kind is Kind.METRIC:
            kind = {"percent": Kind.PERCENT, "money": Kind.MONEY, "count": Kind.INT}.get(
                unit or "", Kind.VALUE
            )
        if kind in (Kind.VALUE, Kind.FACT, Kind.RULE, Kind.BOOL):
            kind = Kind.TEXT if column.result else kind
        return self.cell(kind, result=column.result and shaded, wrap=column.wrap)


class _Lists:
    """The hidden Lists sheet: one column per long list of choices, referenced by dropdowns."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.columns: dict[tuple[str, ...], str] = {}

    def source(self, choices: tuple[str, ...]) -> str:
        """The range holding ``choices``, written on first use."""
        if choices not in self.columns:
            col = len(self.columns)
            for i, choice in enumerate(choices):
                self.ws.write_string(i, col, choice)
            letter = L.column_letter(col)
            self.columns[choices] = f"={L.LISTS}!${letter}$1:${letter}${len(choices)}"
        return self.columns[choices]


class _Sheet:
    """One worksheet being written, and what the placing of its shapes needs to know."""

    def __init__(self, ws: Any, name: str) -> None:
        self.ws = ws
        self.name = name
        self.widths: dict[int, float] = {}
        self.lines: dict[int, int] = {}  # row -> text lines its wrapped cells need

    def width(self, col: int, width: float, fmt: Any = None) -> None:
        """Set a column's width (the widest asked for wins) and format."""
        self.widths[col] = max(self.widths.get(col, 0), width)
        self.ws.set_column(col, col, self.widths[col], fmt)

    def wrapped(self, row: int, col: int, text: object) -> None:
        """Remember how many lines a wrapped text needs in its column, for the row's height."""
        if not isinstance(text, str) or not text:
            return
        chars = max(int(self.widths.get(col, 8.43) * 1.05) - 1, 4)
        lines = sum(max(len(textwrap.wrap(part, chars)), 1) for part in text.splitlines() or [""])
        self.lines[row] = max(self.lines.get(row, 1), lines)

    def x_of(self, col: int) -> int:
        """The left edge of a column in pixels."""
        return sum(pixels(self.widths.get(c, 8.43)) for c in range(col))


def _add_table(
    ws: _Sheet,
    table: Table,
    rows: Sequence[Sequence[CellValue]],
    fmts: _Formats,
    lists: _Lists,
    top: int,
    left: int,
) -> None:
    count = max(len(rows), 1)
    last_row = top + count
    last_col = left + len(table.columns) - 1
    for j, column in enumerate(table.columns):
        ws.width(left + j, column_width(column), fmts.of(column, shaded=False))
    columns = [{"header": c.header, "format": fmts.of(c)} for c in table.columns]
    ws.ws.add_table(
        top,
        left,
        last_row,
        last_col,
        {"name": table.name, "columns": columns, "style": "Table Style Medium 2", "autofilter": True},
    )
    unit_at = table.headers.index("Unit") if "Unit" in table.headers else None
    if not rows:  # the one empty row keeps the formats (sync gives rows it adds the same look)
        for j, column in enumerate(table.columns):
            ws.ws.write_blank(top + 1, left + j, None, fmts.of(column))
    for i, row in enumerate(rows):
        unit = str(row[unit_at]).lower() if unit_at is not None and row[unit_at] else None
        for j, column in enumerate(table.columns):
            value = row[j] if j < len(row) else None
            _write(ws.ws, top + 1 + i, left + j, value, fmts.of(column, unit))
            if column.wrap:
                ws.wrapped(top + 1 + i, left + j, value)
    for j, column in enumerate(table.columns):
        _add_dropdown(ws.ws, column, top + 1, left + j, top + count + SPARE_ROWS, lists)


def _add_dropdown(ws: Any, column: L.Column, first: int, col: int, last: int, lists: _Lists) -> None:
    if column.result:
        return
    options: dict[str, Any]
    if column.source:
        options = {"validate": "list", "source": f'=INDIRECT("{column.source}")'}
    elif column.choices and len(",".join(column.choices)) > 250:
        options = {"validate": "list", "source": lists.source(column.choices)}
    elif column.choices:
        options = {"validate": "list", "source": list(column.choices)}
    else:
        return
    options.update(
        {
            "error_type": "warning" if column.source else "stop",
            "error_title": column.header,
            "error_message": f"Choose a {column.header.lower()} from the list.",
            "ignore_blank": True,
        }
    )
    ws.data_validation(first, col, last, col, options)


def _key_value_cells(
    ws: _Sheet, table: Table, rows: Sequence[Sequence[CellValue]], fmts: _Formats, top: int, left: int
) -> None:
    """Per-row formats and dropdowns for a (Field, Value) table: each row is a different field."""
    for i, row in enumerate(rows):
        path = path_of(table.name, str(row[0])) or parse_label(str(row[0]))
        if path is None:
            continue
        kind, choices = L.key_value_kind(path)
        r, c = top + 1 + i, left + 1
        text = kind in (Kind.TEXT, Kind.TEXTS, Kind.CHOICE, Kind.IDS)
        _write(ws.ws, r, c, row[1], fmts.cell(kind, wrap=True) if text else fmts.cell(kind))
        _write(ws.ws, r, left, row[0], fmts.label)
        ws.wrapped(r, left, row[0])
        if text:
            ws.wrapped(r, c, row[1])
        if choices:
            ws.ws.data_validation(r, c, r, c, {"validate": "list", "source": list(choices)})


def _row_table(
    ws: _Sheet,
    table: Table,
    rows: Sequence[L.Row],
    fmts: _Formats,
    top: int,
    left: int,
    values: Mapping[str, Any],
) -> None:
    """A table of fixed rows (Settings, Status, the schedule's summary): a label and a typed value each."""
    label, value = table.columns
    for j, column in enumerate(table.columns):
        ws.width(left + j, column_width(column))
    ws.ws.add_table(
        top,
        left,
        top + len(rows),
        left + 1,
        {
            "name": table.name,
            "columns": [{"header": c.header} for c in table.columns],
            "style": "Table Style Medium 2",
            "autofilter": False,
        },
    )
    for i, row in enumerate(rows):
        r = top + 1 + i
        ws.ws.write_string(r, left, row.label, fmts.label)
        cell = fmts.cell(row.kind, result=value.result, wrap=row.kind is Kind.TEXT)
        _write(ws.ws, r, left + 1, values.get(row.label), cell)
        if not value.result:
            options: dict[str, Any] = {"validate": "any"}
            if row.kind is Kind.BOOL:
                options = {"validate": "list", "source": [L.YES, L.NO]}
            if row.note:
                options.update({"input_title": row.label[:32], "input_message": row.note[:255]})
            ws.ws.data_validation(r, left + 1, r, left + 1, options)
        if row.kind is Kind.TEXT:
            ws.wrapped(r, left + 1, values.get(row.label))
    _ = label


def build_workbook(
    plan: Plan,
    path: Path,
    *,
    macros: bool = True,
    buttons: Sequence[Button] | None = None,
    interpreter: str | None = None,
    settings: Mapping[str, CellValue] | None = None,
    gantt: bytes | None = None,
    program: Mapping[str, Sequence[Sequence[CellValue]]] | None = None,
) -> Path:
    """Write the planning workbook for ``plan`` to ``path`` (.xlsm with the VBA project and buttons when
    ``macros``, else a plain .xlsx with the same sheets and tables).

    ``settings`` fills the Overview's Settings table (the review date, the optimizer); ``gantt``
    is the Gantt chart (PNG) the Schedule sheet shows until the next run redraws it; ``program``
    fills the running program's tables (``{"Deals": rows, "Survey": rows}``, rows typed by their
    columns: ``services.workbook.program_tables``).
    """
    import xlsxwriter

    from partnerkit.io.files import write_bytes_atomic

    chosen = list(BUTTONS if buttons is None else buttons)
    vba = _vba_project(len(L.SHEETS) + 2, [b.action for b in chosen]) if macros else None
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    if vba is not None:
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    fmts = _Formats(wb, plan.product.currency)
    rows: dict[str, Sequence[Sequence[CellValue]]] = {**plan_rows(plan), **(program or {})}
    sheets = {name: _Sheet(wb.add_worksheet(name), name) for name in L.SHEETS}
    lists = _Lists(wb.add_worksheet(L.LISTS))
    lists.ws.hide()
    for table in L.TABLES:
        if table.sheet == L.OVERVIEW or table.name == L.ROADMAP_SUMMARY.name:
            continue
        ws = sheets[table.sheet]
        _add_table(ws, table, rows[table.name], fmts, lists, table.first_row, table.first_col)
        if table.key_value:
            _key_value_cells(ws, table, rows[table.name], fmts, table.first_row, table.first_col)
    _schedule_sheet(sheets[L.SCHEDULE], fmts, gantt)
    _tier_counts(sheets[L.TIERS].ws, plan, fmts)
    with_macros = vba is not None
    for name, sheet in sheets.items():
        if name == L.OVERVIEW:
            continue
        # The sheet's own buttons first, then those of the jobs it feeds.
        here = sorted((b for b in chosen if name in b.sheets), key=lambda b: b.sheet != name)
        _sheet_top(sheet, fmts, here if with_macros else [])
        _print_setup(sheet.ws, repeat=L.PARTNERS_TABLE.first_row)
        sheet.ws.freeze_panes(L.PARTNERS_TABLE.first_row + 1, 0)
        _fit_rows(sheet)
    _overview(wb, sheets[L.OVERVIEW], plan, fmts, rows, chosen if with_macros else [], settings or {}, lists)
    conf = _xlwings_conf(wb, interpreter)
    if vba is not None:
        for i, ws in enumerate([*(s.ws for s in sheets.values()), lists.ws, conf]):
            ws.set_vba_name(f"Sheet{i + 1}")
    sheets[L.OVERVIEW].ws.activate()
    wb.close()
    data = _name_pictures(buffer.getvalue(), {GANTT_DESCRIPTION: L.GANTT})
    return write_bytes_atomic(path, data)


def _vba_project(sheet_count: int, actions: Sequence[str]) -> bytes:
    """The VBA project: xlwings' code, a document module per sheet (Sheet1...), a macro per button."""
    from partnerkit.errors import WorkbookError
    from partnerkit.io.workbook.vba import quickstart_vba_project, xlwings_version
    from partnerkit.io.workbook.vbaproject import planner_vba_project

    quickstart = quickstart_vba_project()
    try:
        return planner_vba_project(
            quickstart, [f"Sheet{i + 1}" for i in range(sheet_count)], list(dict.fromkeys(actions))
        )
    except (StopIteration, KeyError, ValueError, OSError, IndexError) as exc:
        # An xlwings whose quickstart project is laid out otherwise (no Module1, no sheet module...).
        raise WorkbookError(
            f"the VBA project of this xlwings ({xlwings_version()}) is not one partnerkit can build on "
            f"({type(exc).__name__}: {exc}); install the xlwings partnerkit is tested with: "
            'pip install "xlwings==0.37.8"'
        ) from None


def _sheet_top(sheet: _Sheet, fmts: _Formats, buttons: Sequence[Button]) -> None:
    """Row 1: the sheet's title and what it is for; row 2: its buttons, then the legend of the shading."""
    from partnerkit.io.workbook.vbaproject import macro_name

    ws = sheet.ws
    ws.set_row(0, TITLE_ROW_HEIGHT)
    ws.set_row(TOOLBAR_ROW, TOOLBAR_ROW_HEIGHT)
    ws.write_string(0, 0, sheet.name, fmts.title)
    purpose = L.PURPOSES.get(sheet.name)
    if purpose:
        # After the title, in the first column wide enough to start it (the text runs on to the right).
        title_px = int(len(sheet.name) * 11) + 12
        col = next(c for c in range(1, 200) if sheet.x_of(c) >= title_px)
        ws.write_string(0, col, purpose, fmts.note)
    x = 4
    for button in buttons:
        width = button_width(button.caption)
        ws.insert_button(
            TOOLBAR_ROW,
            0,
            {
                "macro": macro_name(button.action),
                "caption": button.caption,
                "width": width,
                "height": BUTTON_HEIGHT - 4,
                "x_offset": x,
                "y_offset": 6,
            },
        )
        x += width + BUTTON_GAP
    _legend(sheet, fmts, TOOLBAR_ROW, x + 12)


def button_width(caption: str) -> int:
    """A button wide enough for its caption."""
    return max(110, len(caption) * 7 + 28)


def _legend(sheet: _Sheet, fmts: _Formats, row: int, from_px: int) -> None:
    """Two cells that say what the shading means: white cells you edit, blue ones partnerkit writes."""
    col = 0
    used = max(sheet.widths, default=-1)  # columns beyond the tables take the legend's width
    for text, fmt in (("You edit", fmts.legend_input), ("partnerkit writes", fmts.legend_result)):
        while sheet.x_of(col) < from_px or (col <= used and sheet.widths.get(col, 8.43) < len(text) + 1):
            col += 1
        if col > used:
            sheet.width(col, len(text) + 2)
        sheet.ws.write_string(row, col, text, fmt)
        from_px = sheet.x_of(col + 1)
        col += 1


def _print_setup(ws: Any, repeat: int | None) -> None:
    """Landscape, one page wide, the header row on every page, the sheet's name and page in the footer."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&L&A&RPage &P of &N")
    if repeat is not None:
        ws.repeat_rows(repeat)


def _fit_rows(sheet: _Sheet) -> None:
    for row, lines in sheet.lines.items():
        if lines > 1:
            sheet.ws.set_row(row, 15 * lines + 1)


def _tier_counts(ws: Any, plan: Plan, fmts: _Formats) -> None:
    """The Tiers table's Partners column: how many partners sit in each tier (a live formula)."""
    table = L.TIERS_TABLE
    col = table.first_col + table.headers.index("Partners")
    counts: dict[str, int] = {}
    for _, partner in plan.partners():
        if partner.tier:
            counts[partner.tier] = counts.get(partner.tier, 0) + 1
    for i, tier in enumerate(plan.tiers):
        ws.write_formula(
            table.first_row + 1 + i,
            col,
            "=COUNTIF(Partners[Tier],Tiers[[#This Row],[Name]])",
            fmts.cell(Kind.INT, result=True),
            counts.get(tier.name, 0),
        )


# --- the Schedule sheet ----------------------------------------------------------------------------

GANTT_DESCRIPTION = "Gantt chart of the roadmap"
GANTT_WIDTH = 1000  # pixels the picture takes in the sheet


def _schedule_sheet(sheet: _Sheet, fmts: _Formats, gantt: bytes | None) -> None:
    """The schedule's summary and, below it, the Gantt chart as a picture that each run replaces."""
    top = L.ROADMAP_SUMMARY.first_row
    _row_table(sheet, L.ROADMAP_SUMMARY, L.SUMMARY_ROWS, fmts, top, 0, {})
    below = top + len(L.SUMMARY_ROWS) + 2
    sheet.ws.write_string(below, 0, "The roadmap as a Gantt chart", fmts.heading)
    image = gantt if gantt is not None else placeholder_png()
    width, _ = png_size(image)
    scale = GANTT_WIDTH / width
    sheet.ws.insert_image(
        below + 1,
        0,
        "gantt.png",
        {
            "image_data": io.BytesIO(image),
            "x_scale": scale,
            "y_scale": scale,
            "x_offset": 2,
            "y_offset": 4,
            "description": GANTT_DESCRIPTION,
            "object_position": 3,  # neither moved nor sized with cells
        },
    )


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels, as xlsxwriter sees them (at 96 dpi)."""
    import struct

    width, height = struct.unpack(">II", data[16:24])
    dpi = _png_dpi(data)
    return round(width * 96 / dpi), round(height * 96 / dpi)


def _png_dpi(data: bytes) -> float:
    import struct

    at = data.find(b"pHYs")
    if at < 0:
        return 96.0
    x_per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    return x_per_metre * 0.0254 if unit == 1 and x_per_metre else 96.0


def placeholder_png(width: int = 1900, height: int = 900) -> bytes:
    """The picture the Schedule sheet shows before the roadmap is scheduled: a frame and a sentence."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, width - 5, height - 5), outline="#9BC2E6", width=4)
    font = ImageFont.load_default(size=44)
    text = "Click Schedule roadmap to draw the Gantt chart here."
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - box[2]) / 2, (height - box[3]) / 2), text, fill="#1F4E78", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()


def _name_pictures(data: bytes, names: Mapping[str, str]) -> bytes:
    """Give pictures their names by their description (xlsxwriter calls every one "Picture N")."""
    import re

    from partnerkit.io.ooxml.package import Package, write_package

    package = Package(data)
    replaced: dict[str, bytes] = {}
    for part in package.namelist():
        if not (part.startswith("xl/drawings/drawing") and part.endswith(".xml")):
            continue
        xml = package.read(part)
        new = xml
        for description, name in names.items():
            new = re.sub(
                rb'(<xdr:cNvPr id="\d+" )name="Picture \d+"( descr="'
                + re.escape(description.encode())
                + rb'")',
                rb'\1name="' + name.encode() + rb'"\2',
                new,
            )
        if new != xml:
            replaced[part] = new
    return write_package(package, replaced) if replaced else data


# --- the Overview ------------------------------------------------------------------------------------

INSTRUCTIONS = (
    "Edit the white cells of the sheets; shaded cells are partnerkit's results, rewritten on each run.",
    "Pick values from the dropdowns; money, percentages and dates have their own formats.",
    "Click a button: it checks the plan, does its job and writes its results beside your rows.",
    "Every problem lands on the Problems sheet, with the sheet and the cell to fix.",
    "The settings below: the review date (empty: today), the roadmap's optimizer, the payout period.",
    'Documents (strategy, agreement drafts) go to the folder "<name> documents" beside this file.',
    "Without Excel, partnerkit workbook sync FILE writes the same results (see docs/excel.md).",
)
GROUP_WIDTHS = (26.0, 50.0)
GAP_WIDTH = 2.0
OVERVIEW_COLUMNS = {0: 0, 1: 1, 3: 0, 4: 1, 6: 0, 7: 1}  # column -> its place in a group (label, value)
OVERVIEW_STACKS = (
    (L.PRODUCT, L.STRATEGY, L.INTEGRATION_CATEGORY),
    (L.DISTRIBUTION_CATEGORY, L.ECOSYSTEM_CATEGORY),
)


def _overview(
    wb: Any,
    sheet: _Sheet,
    plan: Plan,
    fmts: _Formats,
    rows: Mapping[str, Sequence[Sequence[CellValue]]],
    buttons: Sequence[Button],
    settings: Mapping[str, CellValue],
    lists: _Lists,
) -> None:
    """The Overview as a form: instructions, buttons, settings and status; then the plan's texts by section."""
    from partnerkit.io.workbook.vbaproject import macro_name

    ws = sheet.ws
    for col, place in OVERVIEW_COLUMNS.items():
        sheet.width(col, GROUP_WIDTHS[place])
    for gap in (2, 5):
        sheet.width(gap, GAP_WIDTH)
    ws.set_row(0, 30)
    ws.write_string(0, 0, f"{plan.product.name}: partner plan", fmts.big_title)
    ws.write_string(
        1,
        0,
        f"Version {plan.product.version} of {plan.product.date.isoformat()}, in {plan.product.currency}. "
        "A planning workbook made by partnerkit.",
        fmts.note,
    )

    # Column group 1: how to use it, the buttons, the settings, the status, the chart.
    row = 3
    ws.write_string(row, 0, "How to use this workbook", fmts.heading)
    ws.write_blank(row, 1, None, fmts.heading)
    for i, line in enumerate(INSTRUCTIONS):
        ws.write_string(row + 1 + i, 0, f"{i + 1}. {line}", fmts.text)
    row += len(INSTRUCTIONS) + 1
    ws.write_string(row, 0, "You edit", fmts.legend_input)
    ws.write_string(row, 1, "partnerkit writes (results)", fmts.legend_result)
    row += 2
    if buttons:
        ws.write_string(row, 0, "Buttons", fmts.heading)
        ws.write_string(row, 1, "in Excel: click one to run it", fmts.heading_note)
        row += 1
        per_row = 2
        for i, button in enumerate(buttons):
            r = row + i // per_row
            ws.set_row(r, TOOLBAR_ROW_HEIGHT + 4)
            ws.insert_button(
                r,
                i % per_row,
                {
                    "macro": macro_name(button.action),
                    "caption": button.caption,
                    "width": pixels(GROUP_WIDTHS[0]) - 12,
                    "height": BUTTON_HEIGHT,
                    "x_offset": 6,
                    "y_offset": 5,
                },
            )
        row += (len(buttons) + per_row - 1) // per_row + 1
    ws.write_string(row, 0, L.SETTINGS.title, fmts.heading)
    ws.write_blank(row, 1, None, fmts.heading)
    defaults = {L.OPTIMIZE: L.NO, L.TIME_LIMIT: 10}
    _row_table(sheet, L.SETTINGS, L.SETTINGS_ROWS, fmts, row + 1, 0, {**defaults, **settings})
    row += len(L.SETTINGS_ROWS) + 3
    ws.write_string(row, 0, L.STATUS.title, fmts.heading)
    ws.write_blank(row, 1, None, fmts.heading)
    _row_table(sheet, L.STATUS, L.STATUS_ROWS, fmts, row + 1, 0, {})
    row += len(L.STATUS_ROWS) + 3
    chart_row = row

    # Column groups 2 and 3: the plan's texts, one small (Field, Value) table per section.
    for left, stack in zip((3, 6), OVERVIEW_STACKS, strict=True):
        top = 3
        for table in stack:
            ws.write_string(top, left, table.title, fmts.heading)
            ws.write_blank(top, left + 1, None, fmts.heading)
            _add_table(sheet, table, rows[table.name], fmts, lists, top + 1, left)
            _key_value_cells(sheet, table, rows[table.name], fmts, top + 1, left)
            top += max(len(rows[table.name]), 1) + 3
    _fit_rows(sheet)
    _tier_chart(wb, ws, max(len(plan.tiers), 1), chart_row)
    _print_setup(ws, repeat=None)
    ws.fit_to_pages(1, 1)


def _tier_chart(wb: Any, ws: Any, tiers: int, row: int) -> None:
    table = L.TIERS_TABLE
    first = table.first_row + 2  # 1-based row of the first tier
    name_col = L.column_letter(table.first_col)
    count_col = L.column_letter(table.first_col + table.headers.index("Partners"))
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Partners per tier",
            "categories": f"={L.TIERS}!${name_col}${first}:${name_col}${first + tiers - 1}",
            "values": f"={L.TIERS}!${count_col}${first}:${count_col}${first + tiers - 1}",
            "fill": {"color": "#5B9BD5"},
        }
    )
    chart.set_title({"name": "Partners per tier", "name_font": {"size": 11}})
    chart.set_legend({"none": True})
    chart.set_size({"width": pixels(GROUP_WIDTHS[0]) + pixels(GROUP_WIDTHS[1]) - 10, "height": 220})
    ws.insert_chart(row, 0, chart, {"x_offset": 4, "y_offset": 4, "object_position": 3})


def _xlwings_conf(wb: Any, interpreter: str | None) -> Any:
    """The xlwings.conf sheet: where Excel finds the Python that has partnerkit installed."""
    ws = wb.add_worksheet(L.XLWINGS_CONF)
    python = interpreter if interpreter is not None else sys.executable
    windows = interpreter is not None or sys.platform.startswith("win")
    mac = interpreter is not None or sys.platform == "darwin"
    settings: list[tuple[str, Any]] = [
        ("Interpreter_Win", python if windows else "python"),
        ("Interpreter_Mac", python if mac else ""),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("UDF Modules", ""),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
    ]
    for i, (key, value) in enumerate(settings):
        ws.write_string(i, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(i, 1, value)
        elif value:
            ws.write_string(i, 1, value)
    ws.write_string(
        len(settings) + 2,
        0,
        "Settings for xlwings; they must start in cell A1. Interpreter_Win and Interpreter_Mac: the full "
        "path of the Python that has partnerkit installed (see docs/excel.md).",
    )
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 60)
    _print_setup(ws, repeat=None)
    return ws
