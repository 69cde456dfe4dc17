"""Where each plan field was read in a workbook, and the locator that puts problems on those cells.

A read table (``TableData``) keeps its rows and where it stands; ``Refs`` remembers single cells one
by one and table rows one entry per row (a 100,000-row sheet makes 100,000 entries, not millions),
and ``CellLocator`` turns a problem's field path into ``Partners!D17`` with the header and the value
the cell showed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from partnerkit.io.workbook.cells import number_text
from partnerkit.io.workbook.layout import FieldRef, cell_name
from partnerkit.problems import FieldPath, Problem

PercentOracle = Callable[[int, int], bool | None]
"""Tells whether the cell at a 0-based (row, column) is formatted as a percentage; None when unknown."""


@dataclass
class TableData:
    """A table as read from a workbook: its header cells and data rows, and where it stands."""

    name: str
    sheet: str
    headers: list[str]
    rows: list[list[Any]]
    top: int  # 0-based row of the header
    left: int  # 0-based column of the first column
    percent_format: PercentOracle | None = None
    uncalculated: frozenset[tuple[int, int]] = frozenset()  # formula cells saved without a value
    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)  # cells showing #N/A and the like


def normalize_header(text: Any) -> str:
    """A header as compared: non-breaking and repeated spaces folded, trimmed, without case."""
    return re.sub(r"\s+", " ", str(text or "").replace("\u00a0", " ")).strip().casefold()


ColumnMap = dict[tuple[str, ...], tuple[int, str]]  # field path in a row -> (absolute column, header)


class Refs:
    """Where each plan field was read: single cells one by one, table rows one entry per row (fast)."""

    def __init__(self) -> None:
        self.cells: dict[FieldPath, FieldRef] = {}
        self.rows: dict[FieldPath, tuple[TableData, int, ColumnMap]] = {}

    def __setitem__(self, path: FieldPath, ref: FieldRef) -> None:
        self.cells[path] = ref

    def setdefault(self, path: FieldPath, ref: FieldRef) -> None:
        """Remember the cell of ``path`` unless one is known already."""
        self.cells.setdefault(path, ref)

    def get(self, path: FieldPath) -> FieldRef | None:
        """The cell of exactly this field, or None."""
        found, exact = self.find(path)
        return found if exact else None

    def find(self, path: FieldPath) -> tuple[FieldRef | None, bool]:
        """The cell of ``path`` or of its nearest enclosing row or field, and whether it is exact."""
        probe = tuple(path)
        while True:
            if probe in self.cells:
                return self.cells[probe], probe == tuple(path)
            if probe in self.rows:
                table, row, columns = self.rows[probe]
                rest = tuple(str(p) for p in path[len(probe) :])
                hit = columns.get(rest)
                while hit is None and len(rest) > 1:
                    # An item of a list (sources[0], depends_on[1]) stands in the list's cell.
                    rest = rest[:-1]
                    hit = columns.get(rest)
                if hit is None:
                    first, header = min(columns.values()) if columns else (table.left, "")
                    return FieldRef(table.sheet, cell_name(row, first), header, None), False
                col, header = hit
                values = table.rows[row - table.top - 1]
                value = values[col - table.left] if col - table.left < len(values) else None
                return FieldRef(table.sheet, cell_name(row, col), header, value), True
            if not probe:
                return None, False
            probe = probe[:-1]

    def share_text(self, at: FieldPath, start: int, models: list[Any]) -> None:
        """Let the rows read for ``models`` (entries ``start``... of the list at ``at``) hold the models'
        own text: pydantic copies every string it trims, so each text would otherwise be held twice
        (80 MB for 100,000 partners). A cell keeps its value, only the copy it holds changes."""
        # The columns of the models' own fields, found once per table and kind of model.
        fields_at: dict[tuple[int, type], list[tuple[str, int]]] = {}
        for offset, model in enumerate(models):
            hit = self.rows.get((*at, start + offset))
            if hit is None:
                continue
            table, row_no, columns = hit
            fields = model.__dict__
            pairs = fields_at.get((id(columns), type(model)))
            if pairs is None:
                # Fields of text (or empty here): a choice, a date or a number is never a copy.
                pairs = fields_at[id(columns), type(model)] = [
                    (path[0], col - table.left)
                    for path, (col, _) in columns.items()
                    if len(path) == 1 and path[0] in fields and type(fields[path[0]]) in (str, type(None))
                ]
            row = table.rows[row_no - table.top - 1]
            width = len(row)
            for name, i in pairs:
                value = fields.get(name)
                if type(value) is str and i < width and row[i] == value:
                    row[i] = value

    def row_of(self, path: FieldPath) -> tuple[TableData, int] | None:
        """The table and sheet row (0-based) holding the record at ``path``."""
        hit = self.rows.get(tuple(path))
        return (hit[0], hit[1]) if hit else None


def show_cell(value: Any) -> str:
    """A cell value as the problem quotes it: numbers as Excel shows them, texts in quotes."""
    if isinstance(value, float) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def locate_problems(problems: Sequence[Problem], refs: Refs, fallback: str) -> list[Problem]:
    """Place each problem on the cell of its field (or of the nearest enclosing row), saying header and value."""
    out = []
    for problem in problems:
        if problem.location is not None and "!" in problem.location:
            out.append(problem)
            continue
        ref, exact = refs.find(problem.path)
        if ref is None:
            out.append(problem.at(fallback))
            continue
        message = problem.message
        if exact and ref.header and not message.startswith(ref.header):
            message = f"{ref.header} = {show_cell(ref.value)}: {message}"
        extra = {**problem.extra, "sheet": ref.sheet, "cell": ref.cell, "header": ref.header}
        out.append(replace(problem, message=message, location=ref.location, extra=extra))
    return out


@dataclass(frozen=True)
class CellLocator:
    """Places problems on the cell of their field (``Partners!D17``), from where each field was read."""

    refs: Refs
    source: str

    def place(self, problem: Problem) -> Problem:
        """The problem on its cell, saying the header and the value the cell shows."""
        return locate_problems([problem], self.refs, self.source)[0]

    def data_row(self, path: FieldPath) -> int | None:
        """The 0-based data row of its table that holds the record at ``path`` (a partner, an activity)."""
        hit = self.refs.row_of(path)
        return None if hit is None else hit[1] - hit[0].top - 1
