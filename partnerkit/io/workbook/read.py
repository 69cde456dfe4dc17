"""Read a planning workbook (.xlsx/.xlsm) into a Plan with python-calamine, every problem on its cell.

The file is checked and each sheet bounded before calamine allocates it (io/workbook/opening.py).
Only the sheets that hold the layout's tables are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from partnerkit.errors import UnreadableFileError
from partnerkit.io.ooxml.errors import CALAMINE_DAMAGE, PackageError, unreadable_content
from partnerkit.io.ooxml.memory import release_freed_memory
from partnerkit.io.ooxml.parts import TablePart
from partnerkit.io.ooxml.refs import parse_range
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.opening import LIMITS, SheetScans, started_or_open
from partnerkit.io.workbook.tables import CellLocator, PercentOracle, TableData, read_plan
from partnerkit.loaded import LoadedPlan
from partnerkit.model import Plan
from partnerkit.problems import Problem, Severity

# A table this many cells large leaves enough freed memory behind to be worth handing back.
_LARGE_TABLE = 100_000


def read_tables(path: Path, extra: Sequence[L.Table] = ()) -> tuple[dict[str, TableData], list[Problem]]:
    """Every input table of the layout found in the workbook (and the ``extra`` ones, such as
    ``layout.PROGRAM_INPUTS``), read with calamine; missing tables are problems."""
    from python_calamine import CalamineError

    # The read a command started early (opening.start_reading), or the workbook opened now.
    opened = started_or_open(path)
    styles = opened.scans
    problems: list[Problem] = []
    damaged: tuple[type[Exception], ...] = (CalamineError, *CALAMINE_DAMAGE)
    found: dict[str, TableData] = {}
    try:
        names = opened.names
        scanned: dict[str, tuple[frozenset[tuple[int, int]], dict[tuple[int, int], str], list[Any]]] = {}
        parts = opened.tables
        holders = {name: part.sheet for name, part in parts.items()}
        # A table whose parse started early goes first: its sheet's scans then run while calamine
        # finishes, instead of waiting behind it with the small tables' parses.
        tables = sorted([*L.INPUT_TABLES, *extra], key=lambda t: t.name not in opened.parsing)

        def last_on(sheet: str | None, n: int) -> bool:
            # No table after the n-th is on ``sheet``: its bytes may go once its scans are done.
            return all(holders.get(t.name.casefold()) != sheet for t in tables[n + 1 :])

        for n, table in enumerate(tables):
            if table.name not in names:
                problems.append(
                    Problem(
                        f"the workbook has no table named {table.name!r} (on the {table.sheet} sheet); "
                        "rebuild it with 'partnerkit workbook new' and copy your rows over",
                        location=f"{path.name}",
                        code="workbook",
                        severity=Severity.WARNING if table.name in L.OPTIONAL_TABLES else Severity.ERROR,
                    )
                )
                continue
            # calamine reads the table's whole sheet: bound it first (every sheet, if the table's
            # part was not found where the package's relationships say).
            holder = holders.get(table.name.casefold())
            for sheet in [holder] if holder is not None else styles.sheet_names():
                styles.check_extent(sheet)
            # calamine parses the sheet without holding the GIL: the scan of the sheet's bytes for
            # what calamine does not tell runs meanwhile, on the other core.
            parsing = opened.parse(table.name)
            early = None
            if holder is not None:
                if holder not in scanned:
                    scanned[holder] = styles.scan(holder)
                # The percentage formats too, from the columns the table's part names: then the
                # sheet's bytes (75 MB for 100,000 rows) go before calamine has finished, not after.
                early = _early_oracle(styles, table, holder, parts[table.name.casefold()])
                if last_on(holder, n):
                    styles.forget(holder)
            read = parsing.result()
            del parsing  # the future holds calamine's copy of the cells too
            start = read.start
            if start is None:
                continue
            top, left = start[0] - 1, start[1]
            headers = [str(h) for h in read.columns]
            if len(headers) > LIMITS.max_columns:
                raise UnreadableFileError(
                    f"{path}: table {table.name} has {len(headers)} columns; at most {LIMITS.max_columns}"
                )
            if read.height > LIMITS.max_rows:
                raise UnreadableFileError(
                    f"{path}: table {table.name} has {read.height:,} rows; "
                    f"partnerkit reads at most {LIMITS.max_rows:,}"
                )
            sheet = read.sheet
            if sheet not in scanned:
                scanned[sheet] = styles.scan(sheet)
            if early is not None and early[0] == (sheet, tuple(headers), left):
                oracle = early[1]
            else:  # the table's part said otherwise than calamine: the sheet is scanned again
                percent_cols = _percent_columns(table, headers, left)
                oracle = styles.oracle(sheet, percent_cols) if percent_cols else None
                if last_on(sheet, n):
                    styles.forget(sheet)  # the sheet's bytes go before its cells become Python values
            rows = read.to_python()
            cells = read.height * read.width
            del read  # calamine's copy of the cells, as soon as Python has its own
            if cells >= _LARGE_TABLE:
                release_freed_memory()
            uncalculated, errors, merged = scanned[sheet]
            _fill_merged(rows, merged, top + 1, left)
            found[table.name] = TableData(
                table.name, sheet, headers, rows, top, left, oracle, uncalculated, errors
            )
    except PackageError as exc:
        raise exc.naming(path, UnreadableFileError, ": ") from None
    except damaged as exc:
        raise UnreadableFileError(
            f"{path}: is a damaged workbook ({unreadable_content(exc)}); open it in Excel to repair it, "
            "or use its backup"
        ) from None
    finally:
        opened.close()
    return found, problems


def _percent_columns(table: L.Table, headers: Sequence[str], left: int) -> list[int]:
    """The 0-based sheet columns of ``table`` whose numbers may be percentages, by their headers."""
    if table.key_value:
        return [left + 1]
    return [
        left + i
        for i, h in enumerate(headers)
        if any(
            c.header.casefold() == h.replace("\u00a0", " ").strip().casefold()
            and (c.kind in (L.Kind.PERCENT, L.Kind.METRIC))
            for c in table.columns
        )
    ]


def _early_oracle(
    styles: SheetScans, table: L.Table, sheet: str, part: TablePart
) -> tuple[tuple[str, tuple[str, ...], int], PercentOracle | None] | None:
    """The percentage oracle of ``table`` from its part's columns, with the (sheet, headers, left
    column) it assumes; None when the part's range is not one calamine could have read."""
    try:
        _, first_col, _, _ = parse_range(part.ref)
    except ValueError:
        return None
    left = first_col - 1
    percent_cols = _percent_columns(table, part.columns, left)
    oracle = styles.oracle(sheet, percent_cols) if percent_cols else None
    return (sheet, part.columns, left), oracle


def _fill_merged(rows: list[list[Any]], ranges: list[Any], first_row: int, first_col: int) -> None:
    """A merged cell's value counts for every cell it covers (calamine gives it to the first only)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 - first_row < 0 and r1 - first_row < 0:
            continue
        anchor_r, anchor_c = r0 - first_row, c0 - first_col
        value = None
        if 0 <= anchor_r < len(rows) and 0 <= anchor_c < len(rows[anchor_r]):
            value = rows[anchor_r][anchor_c]
        for r in range(max(r0 - first_row, 0), min(r1 - first_row + 1, len(rows))):
            for c in range(max(c0 - first_col, 0), min(c1 - first_col + 1, len(rows[r]))):
                if rows[r][c] in (None, ""):
                    rows[r][c] = value


def load_workbook_plan(path: str | Path) -> LoadedPlan:
    """Read a planning workbook: the plan if usable, every problem on its cell, and the cell locator.

    Raises UnreadableFileError for a file that is not a readable workbook at all.
    """
    from partnerkit.collector import no_gc

    path = Path(path)
    # The plan holds no cycles: the collector waits, and what the read made goes straight to the
    # oldest generation (no_gc), so that the command's later work does not walk it three times.
    with no_gc():
        tables, problems = read_tables(path)
        return plan_from_read_tables(tables, problems, path.name)


def plan_from_read_tables(tables: dict[str, TableData], problems: list[Problem], source: str) -> LoadedPlan:
    """The loaded plan of tables read from a workbook (by calamine or through Excel), with their problems."""
    read = read_plan(tables, source)
    found = [*problems, *read.problems]
    plan = None if any(p.is_error for p in found) else read.plan
    return LoadedPlan(plan, found, CellLocator(read.refs, source))


def load_plan_from_workbook(path: str | Path) -> tuple[Plan | None, list[Problem]]:
    """Read a planning workbook: the plan if usable, and every problem located as ``Partners!D17``.

    Raises UnreadableFileError for a file that is not a readable workbook at all.
    """
    loaded = load_workbook_plan(path)
    return loaded.plan, loaded.problems
