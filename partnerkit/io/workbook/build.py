"""Write the planning workbook with xlsxwriter: tables, dropdowns, formats, a chart and the buttons.

Every text a partner typed is written as text (``strings_to_formulas=False`` and ``write_string``),
so a partner called ``=HYPERLINK("http://x")`` stays a name and never becomes a formula.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellValue
from partnerkit.io.workbook.layout import Kind, Table
from partnerkit.io.workbook.rows import parse_label, plan_rows
from partnerkit.model import Plan

NUMBER_FORMATS = {
    Kind.PERCENT: "0.0%",
    Kind.MONEY: "#,##0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.INT: "0",
    Kind.TEXT: "@",
    Kind.CHOICE: "@",
    Kind.IDS: "@",
    Kind.INTS: "@",
    Kind.WEEKS: "@",
}
# How many rows below a table's data the dropdowns reach, so rows the user adds get them too.
SPARE_ROWS = 1000


@dataclass(frozen=True)
class Button:
    """A button of the workbook: its caption, the sheet it sits on, and the action it runs."""

    action: str
    caption: str
    sheet: str


BUTTONS: tuple[Button, ...] = (
    Button("validate", "Validate", L.PROBLEMS),
    Button("evaluate_tiers", "Evaluate tiers", L.PARTNERS),
    Button("schedule_roadmap", "Schedule roadmap", L.ROADMAP),
    Button("generate_agreements", "Generate agreements", L.AGREEMENTS),
    Button("generate_strategy_report", "Generate strategy report", L.OVERVIEW),
)


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
    """The workbook's cell formats, made once."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.by_kind = {
            kind: wb.add_format({"num_format": fmt, "valign": "top"}) for kind, fmt in NUMBER_FORMATS.items()
        }
        self.plain = wb.add_format({"valign": "top"})
        self.result = wb.add_format({"bg_color": "#EEF3FB", "valign": "top", "num_format": "@"})
        self.title = wb.add_format({"bold": True, "font_size": 18})
        self.bold = wb.add_format({"bold": True})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    def of(self, column: L.Column, unit: str | None = None) -> Any:
        """The format of a column's cells (a metric's follows its unit)."""
        if column.result:
            return self.result
        if column.kind is Kind.METRIC:
            return self.by_kind[Kind.PERCENT] if unit == "percent" else self.by_kind[Kind.MONEY]
        return self.by_kind.get(column.kind, self.plain)


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


def _add_table(
    wb: Any, ws: Any, table: Table, rows: Sequence[Sequence[CellValue]], fmts: _Formats, lists: _Lists
) -> None:
    top, left = table.first_row, table.first_col
    count = max(len(rows), 1)
    last_row = top + count
    last_col = left + len(table.columns) - 1
    columns = [{"header": c.header, "format": fmts.of(c)} for c in table.columns]
    ws.add_table(
        top,
        left,
        last_row,
        last_col,
        {"name": table.name, "columns": columns, "style": "Table Style Medium 2", "autofilter": True},
    )
    unit_at = table.headers.index("Unit") if "Unit" in table.headers else None
    for i, row in enumerate(rows):
        unit = str(row[unit_at]).lower() if unit_at is not None and row[unit_at] else None
        for j, column in enumerate(table.columns):
            _write(ws, top + 1 + i, left + j, row[j] if j < len(row) else None, fmts.of(column, unit))
    for j, column in enumerate(table.columns):
        ws.set_column(left + j, left + j, column.width, fmts.of(column))
        _add_dropdown(ws, column, top + 1, left + j, top + count + SPARE_ROWS, lists)


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


def _key_value_dropdowns(ws: Any, table: Table, rows: Sequence[Sequence[CellValue]], fmts: _Formats) -> None:
    """Per-row formats and dropdowns for a (Field, Value) table: each row is a different field."""
    for i, row in enumerate(rows):
        path = parse_label(str(row[0]))
        if path is None:
            continue
        kind, choices = L.key_value_kind(path)
        r, c = table.first_row + 1 + i, table.first_col + 1
        value = row[1]
        fmt = fmts.by_kind.get(kind, fmts.wrap)
        _write(ws, r, c, value, fmt)
        if choices:
            ws.data_validation(r, c, r, c, {"validate": "list", "source": list(choices)})


def build_workbook(
    plan: Plan,
    path: Path,
    *,
    macros: bool = True,
    buttons: Sequence[Button] | None = None,
    interpreter: str | None = None,
) -> Path:
    """Write the planning workbook for ``plan`` to ``path`` (.xlsm with the xlwings VBA project and
    buttons when ``macros``, else a plain .xlsx with the same sheets and tables)."""
    import xlsxwriter

    from partnerkit.io.files import write_bytes_atomic
    from partnerkit.io.workbook.vba import macros as vba_macros
    from partnerkit.io.workbook.vba import quickstart_vba_project

    vba = quickstart_vba_project() if macros else None
    macro_name = None
    if vba is not None:
        found = vba_macros(vba)
        macro_name = "SampleCall" if "SampleCall" in found else next(iter(found), None)
        if macro_name is None:
            from partnerkit.errors import WorkbookError

            raise WorkbookError("the xlwings quickstart VBA project has no macro a button could run")
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
    fmts = _Formats(wb)
    rows = plan_rows(plan)
    sheets = {name: wb.add_worksheet(name) for name in L.SHEETS}
    lists = _Lists(wb.add_worksheet(L.LISTS))
    lists.ws.hide()
    for table in L.TABLES:
        ws = sheets[table.sheet]
        _add_table(wb, ws, table, rows[table.name], fmts, lists)
        if table.key_value:
            _key_value_dropdowns(ws, table, rows[table.name], fmts)
    for name, ws in sheets.items():
        if name != L.OVERVIEW:
            ws.freeze_panes(1, 0)
    _tier_counts(wb, sheets[L.TIERS], plan, fmts)
    _overview(wb, sheets[L.OVERVIEW], plan, fmts, len(rows["Tiers"]))
    if macro_name is not None:
        _buttons(sheets, macro_name, BUTTONS if buttons is None else buttons)
    _xlwings_conf(wb, fmts, interpreter)
    sheets[L.OVERVIEW].activate()
    wb.close()
    return write_bytes_atomic(path, buffer.getvalue())


def _tier_counts(wb: Any, ws: Any, plan: Plan, fmts: _Formats) -> None:
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
            fmts.by_kind[Kind.INT],
            counts.get(tier.name, 0),
        )


INSTRUCTIONS = (
    "Edit the plan in the sheets: Partners, Tiers, Agreements, Roadmap, Metrics, Assumptions, Sources.",
    "Choose values from the dropdowns; percentages, money and dates have their own formats.",
    "Click a button: partnerkit checks the plan and writes its results back into the sheets.",
    "Every problem lands on the Problems sheet with the sheet and cell to fix.",
    "Documents (strategy, agreement drafts) are written to a folder beside this workbook.",
    "Shaded columns are partnerkit's results: they are rewritten on each run.",
    "Without Excel: partnerkit workbook sync planner.xlsm   (see docs/excel.md)",
)


def _overview(wb: Any, ws: Any, plan: Plan, fmts: _Formats, tiers: int) -> None:
    ws.set_column(0, 0, 46)
    ws.set_column(1, 1, 70)
    ws.write_string(0, 0, f"{plan.product.name}: partner plan", fmts.title)
    ws.write_string(2, 0, "How to use this workbook", fmts.bold)
    for i, line in enumerate(INSTRUCTIONS):
        ws.write_string(3 + i, 0, f"{i + 1}. {line}")
    ws.write_string(L.PLAN_INFO.first_row - 1, 0, "The plan's settings and texts", fmts.bold)
    chart = wb.add_chart({"type": "column"})
    table = L.TIERS_TABLE
    rows = max(tiers, 1)
    name_col = L.column_letter(table.first_col)
    count_col = L.column_letter(table.first_col + table.headers.index("Partners"))
    chart.add_series(
        {
            "name": "Partners per tier",
            "categories": f"={L.TIERS}!${name_col}$2:${name_col}${rows + 1}",
            "values": f"={L.TIERS}!${count_col}$2:${count_col}${rows + 1}",
        }
    )
    chart.set_title({"name": "Partners per tier"})
    chart.set_legend({"none": True})
    ws.insert_chart(2, 3, chart, {"x_scale": 1.0, "y_scale": 0.9})


def _buttons(sheets: dict[str, Any], macro: str, buttons: Sequence[Button]) -> None:
    """Each button on the Overview and on the sheet it acts on; all run the one macro, and the
    companion module's main() tells them apart by sheet and caption."""
    for i, button in enumerate(buttons):
        sheets[L.OVERVIEW].insert_button(
            11 + (i // 3) * 2, i % 3, {"macro": macro, "caption": button.caption, "width": 170, "height": 28}
        )
    for button in buttons:
        if button.sheet == L.OVERVIEW:
            continue
        right = max((t.first_col + len(t.columns) for t in L.TABLES if t.sheet == button.sheet), default=0)
        sheets[button.sheet].insert_button(
            1, right + 1, {"macro": macro, "caption": button.caption, "width": 170, "height": 28}
        )


def _xlwings_conf(wb: Any, fmts: _Formats, interpreter: str | None) -> None:
    """The xlwings.conf sheet: where Excel finds the Python that has partnerkit installed."""
    ws = wb.add_worksheet(L.XLWINGS_CONF)
    python = interpreter if interpreter is not None else sys.executable
    settings: list[tuple[str, Any]] = [
        ("Interpreter_Win", python if sys.platform.startswith("win") else "python"),
        ("Interpreter_Mac", python if sys.platform == "darwin" else ""),
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
        len(settings) + 2, 0, "Settings for xlwings; they must start in cell A1. See docs/excel.md."
    )
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 60)
