"""Reading and writing the planning workbook's named tables through xlwings, one 2-D call per table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.formats import number_format
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


def read_tables(book: Any, extra: Sequence[L.Table] = ()) -> tuple[dict[str, TableData], list[Problem]]:
    """Every input table of the layout (and the ``extra`` ones, such as ``layout.PROGRAM_INPUTS``),
    each read whole in one 2-D read (header and data rows)."""
    found: dict[str, TableData] = {}
    problems: list[Problem] = []
    for layout_table in (*L.INPUT_TABLES, *extra):
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


def _format(kind: L.Kind, currency: str) -> str:
    """The number format a result column is written with: its kind's, else text."""
    return number_format(kind, currency) or "@"


def _value(kind: L.Kind, value: Any) -> Any:
    """A value as Excel should store it: text stays text (quote prefix); dates and numbers stay typed."""
    if isinstance(value, str) or kind in _TEXT_KINDS:
        return as_text(value)
    return value


_TEXT_KINDS = (L.Kind.TEXT, L.Kind.CHOICE, L.Kind.IDS)


def _kind_of(name: str, header: str) -> L.Kind:
    layout = {t.name: t for t in L.TABLES}.get(name)
    if layout is None:
        return L.Kind.TEXT
    try:
        return layout.column(header).kind
    except KeyError:
        return L.Kind.TEXT


def write_columns(book: Any, name: str, columns: Mapping[str, Sequence[Any]], currency: str = "USD") -> None:
    """Write result columns of a table by header, beside its rows: one 2-D write per run of columns.

    Values are one per data row, typed by the layout's column kind: dates as dates and numbers as
    numbers in the column's number format, texts as text (number format ``@`` and a quote prefix).
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
    sheet = body.sheet
    for group in groups:
        kinds = [_kind_of(name, headers[c]) for c in group]
        for c, kind in zip(group, kinds, strict=True):
            sheet.range(
                (body.row, body.column + c), (body.row + rows - 1, body.column + c)
            ).number_format = _format(kind, currency)
        block = [
            [_value(kind, _cell(columns[headers[c]], r)) for c, kind in zip(group, kinds, strict=True)]
            for r in range(rows)
        ]
        target = sheet.range(
            (body.row, body.column + group[0]), (body.row + rows - 1, body.column + group[-1])
        )
        target.value = block


def write_row_values(
    book: Any, name: str, rows: Sequence[L.Row], values: Sequence[Any], currency: str = "USD"
) -> None:
    """Write the Value column of a table of fixed rows (Status, the schedule's summary), each row typed
    by its own kind: one number format per row, one 2-D write for the column."""
    table = find_table(book, name)
    if table is None or table.data_body_range is None:
        return
    headers = [str(h or "").strip() for h in table.header_row_range.options(ndim=2).value[0]]
    if "Value" not in headers:
        return
    body = table.data_body_range
    col = body.column + headers.index("Value")
    count = min(body.shape[0], len(rows), len(values))
    if not count:
        return
    sheet = body.sheet
    for i in range(count):
        sheet.range((body.row + i, col)).number_format = _format(rows[i].kind, currency)
    target = sheet.range((body.row, col), (body.row + count - 1, col))
    target.value = [[_value(rows[i].kind, values[i])] for i in range(count)]


def _cell(values: Sequence[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def write_table(book: Any, name: str, rows: Sequence[Sequence[Any]], currency: str = "USD") -> None:
    """Replace the data rows of an owned table (Problems, Review, Terms, Documents) in one write.

    The table is resized to the rows; each column gets its kind's number format first, so dates
    and amounts are stored typed and texts as text.
    """
    table = find_table(book, name)
    if table is None:
        return
    layout = L.table(name)
    width = len(layout.columns)
    body = table.data_body_range
    if body is not None:
        body.clear_contents()
    header = table.header_row_range
    sheet = header.sheet
    count = max(len(rows), 1)
    table.resize(sheet.range((header.row, header.column), (header.row + count, header.column + width - 1)))
    kinds = [c.kind for c in layout.columns]
    for j, kind in enumerate(kinds):
        sheet.range(
            (header.row + 1, header.column + j), (header.row + count, header.column + j)
        ).number_format = _format(kind, currency)
    target = sheet.range((header.row + 1, header.column), (header.row + count, header.column + width - 1))
    padded = [
        [_value(kinds[j], v) for j, v in enumerate([*row, *[None] * (width - len(row))][:width])]
        for row in rows
    ]
    target.value = padded or [[None] * width]
