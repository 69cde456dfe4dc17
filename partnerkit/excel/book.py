"""Reading and writing the planning workbook's named tables through xlwings, one 2-D call per table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.results import as_text
from partnerkit.io.workbook.tables import TableData
from partnerkit.problems import Problem, Severity


def find_table(book: Any, name: str) -> Any | None:
    """The Excel table called ``name`` (on its layout sheet, else on any sheet), or None."""
    wanted = L.table(name).sheet if name in {t.name for t in L.TABLES} else None
    sheets = list(book.sheets)
    sheets.sort(key=lambda s: s.name != wanted)
    for sheet in sheets:
        for table in sheet.tables:
            if table.name.casefold() == name.casefold():
                return table
    return None


def read_tables(book: Any) -> tuple[dict[str, TableData], list[Problem]]:
    """Every input table of the layout, each read whole in one 2-D read (header and data rows)."""
    found: dict[str, TableData] = {}
    problems: list[Problem] = []
    for layout_table in L.INPUT_TABLES:
        table = find_table(book, layout_table.name)
        if table is None:
            problems.append(
                Problem(
                    f"the workbook has no table named {layout_table.name!r} (on the {layout_table.sheet} "
                    "sheet); rebuild the workbook with 'partnerkit workbook new'",
                    location=book.name,
                    code="workbook",
                    severity=Severity.WARNING if layout_table.name in L.OPTIONAL_TABLES else Severity.ERROR,
                )
            )
            continue
        whole = table.range
        values = whole.options(ndim=2).value
        header, rows = values[0], values[1:]
        found[layout_table.name] = TableData(
            layout_table.name,
            table.parent.name,
            ["" if h is None else str(h) for h in header],
            [list(r) for r in rows],
            whole.row - 1,
            whole.column - 1,
            None,  # number formats are not known through Excel's values: the column's format applies
        )
    return found, problems


def write_columns(book: Any, name: str, columns: Mapping[str, Sequence[Any]]) -> None:
    """Write result columns of a table by header, beside its rows: one 2-D write for the block.

    Values are one per data row; texts are written as text (number format ``@`` and a quote prefix).
    """
    table = find_table(book, name)
    if table is None:
        return
    headers = [str(h or "").strip() for h in table.header_row_range.options(ndim=2).value[0]]
    positions = sorted(headers.index(h) for h in columns if h in headers)
    if not positions:
        return
    body = table.data_body_range
    if body is None:
        return
    rows = body.shape[0]
    groups: list[list[int]] = [[positions[0]]]
    for pos in positions[1:]:
        if pos == groups[-1][-1] + 1:
            groups[-1].append(pos)
        else:
            groups.append([pos])
    for group in groups:
        block = [[as_text(_cell(columns[headers[c]], r)) for c in group] for r in range(rows)]
        target = body.sheet.range(
            (body.row, body.column + group[0]), (body.row + rows - 1, body.column + group[-1])
        )
        target.number_format = "@"
        target.value = block


def _cell(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def write_table(book: Any, name: str, rows: Sequence[Sequence[Any]]) -> None:
    """Replace the data rows of an owned table (Problems, Documents) in one write, resizing it."""
    table = find_table(book, name)
    if table is None:
        return
    width = len(L.table(name).columns)
    body = table.data_body_range
    if body is not None:
        body.clear_contents()
    header = table.header_row_range
    sheet = header.sheet
    count = max(len(rows), 1)
    table.resize(sheet.range((header.row, header.column), (header.row + count, header.column + width - 1)))
    target = sheet.range((header.row + 1, header.column), (header.row + count, header.column + width - 1))
    target.number_format = "@"
    padded = [[as_text(v) for v in [*row, *[None] * (width - len(row))][:width]] for row in rows]
    target.value = padded or [[None] * width]
