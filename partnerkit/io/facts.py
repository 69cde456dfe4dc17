"""Read a facts table (CSV or XLSX) into partner fact columns, reporting every bad cell with its place.

Layout: one header row, then one row per partner (``partner`` plus one column per fact), or one row per
partner and date (``partner``, ``date``, facts) for dated facts such as monthly revenue. Optional
columns ``tier`` (current tier) and ``tier_since``. Headers are matched without case, spaces or
underscores mattering ("Certified staff" is ``certified_staff``). Only the sheets of a workbook whose
first row names a partner column are read (all of them when none does, so that the missing column is
reported), and each only after its used area is measured from its real cells (``LIMITS.max_cells``).

Cell rules (each broken rule is a problem ``facts.xlsx: Facts!D17: certified_staff '2.5': ...``):
empty cells are missing facts (unknown, never zero); money and numbers are plain numbers ("50000",
not "$50K" or "50,000"); counts are whole numbers; yes/no is true/false, yes/no, y/n or 1/0; dates are
date cells or YYYY-MM-DD text; a partner name is text (a whole number reads as its digits). A formula
saved without its value and a cell showing an error (``#N/A``) are problems too, not empty cells: a
reader of values sees nothing there. Nothing is guessed.

Repeats: partner names are compared as ``fold_name`` folds them, here and when they are matched to
the plan. A partner is listed once in a table without dates; with dates, two rows for the same
partner, date and fact are a problem, unless the fact is declared ``additive: true`` (one row per
deal: the rows add up). An undated fact repeated on one date with the same value is no conflict.
Numbers are held exactly: a cell showing 0.1 is 0.1, never 0.1000000000000000055.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.errors import UnreadableFileError
from partnerkit.io.ooxml.errors import CALAMINE_DAMAGE, DamagedPackage, PackageError, unreadable_content
from partnerkit.io.ooxml.limits import FACTS_LIMITS
from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.refs import letters_at as column_letter
from partnerkit.io.ooxml.scan import NO_COMPUTED_VALUE, NO_COMPUTED_VALUE_HINT
from partnerkit.model.rules import FactKind, FactSpec
from partnerkit.model.values import fold_name
from partnerkit.problems import Problem, Severity
from partnerkit.tiers.facts import DatedColumn, FactTable, exact_number, normalize

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan

# The workbook limits, with room for dated exports (io/ooxml/limits.py); read at each call.
LIMITS = FACTS_LIMITS
_PARTNER = {"partner", "name", "partner_name"}
_HOLDS = {
    FactKind.NUMBER: "numbers",
    FactKind.MONEY: "money",
    FactKind.COUNT: "whole numbers",
    FactKind.BOOLEAN: "yes/no",
    FactKind.DATE: "dates",
    FactKind.TEXT: "text",
}
_SPECIAL = {"date": "date", "tier": "tier", "current_tier": "tier", "tier_since": "tier_since"}
_DATE_SPEC = FactSpec(kind=FactKind.DATE)


def header_key(text: Any) -> str:
    """A header as a fact name: trimmed, lower case, spaces and dashes as underscores."""
    cleaned = str(text if text is not None else "").replace("\u00a0", " ").strip().lower()
    return "_".join(cleaned.replace("-", " ").split())


def load_facts(
    path: str | Path,
    plan: Plan | Mapping[str, FactSpec],
    tiers: Collection[str] | None = None,
) -> tuple[FactTable, list[Problem]]:
    """Read a facts table for ``plan`` (or a mapping of fact specs); every bad cell becomes a problem.

    Raises ``UnreadableFileError`` for a file that is not a CSV or workbook at all.
    """
    from partnerkit.model.plan import Plan

    if isinstance(plan, Plan):
        specs: Mapping[str, FactSpec] = plan.tier_program.facts
        tiers = [t.name for t in plan.tiers] if tiers is None else tiers
    else:
        specs = plan
    path = _within_limits(Path(path), "facts table")
    suffix = path.suffix.lower()
    reader = FactsReader(specs, tiers, path.name)
    if suffix in (".xlsx", ".xlsm"):
        _read_workbook(path, reader)
    elif suffix in (".csv", ".txt", ""):
        reader.read(_csv_rows(path), None)
    else:
        raise UnreadableFileError(f"{path}: a facts table must be a .csv or .xlsx file, not {suffix}")
    if not reader.table.partners and not reader.problems:
        # An empty export (a failed CRM query) must not pass silently as "no changes".
        reader.problems.append(
            Problem(
                "the facts table has no partner rows",
                (),
                location=f"{path.name}:1",
                hint="the first row names the columns ('partner', then facts); one row per partner follows",
                code="facts",
            )
        )
    return reader.table, reader.problems


def _within_limits(path: Path, what: str) -> Path:
    """``path``, once it is known to exist and to be no larger than the tables' limit (else UnreadableFileError)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None
    try:
        LIMITS.check_file_size(size)
    except PackageError as exc:
        raise exc.naming(path, UnreadableFileError, ": ") from None
    return path


@dataclass(frozen=True)
class UnseenCell:
    """A cell of an exported workbook that a reader of values sees as empty, and why: a formula saved
    without its computed value, or a cell showing an error (``#N/A``). The readers report it on its
    cell rather than read the row as if the cell were blank."""

    message: str
    hint: str


def table_sheets(
    path: str | Path, what: str = "table", *, unseen: bool = False
) -> list[tuple[str | None, list[list[Any]]]]:
    """The rows of an exported table: a CSV (one table, sheet None) or every sheet of an .xlsx/.xlsm file.

    Read within the facts table's limits and refused in the same words (a binary file, not UTF-8,
    encrypted, too large): the deals and survey readers share this with the facts table. With
    ``unseen``, a workbook's formula cells without a computed value and its error cells are
    ``UnseenCell`` values in the rows (calamine reads them as empty). UnreadableFileError for a file
    that is not a CSV or workbook at all.
    """
    from partnerkit.collector import no_gc

    path = _within_limits(Path(path), what)
    suffix = path.suffix.lower()
    # A row is a list, and a CRM export has a million of them: with the collector running, each
    # full collection walks every row read so far (a 1M-row CSV took 6-11 s instead of 2-3 s).
    with no_gc():
        if suffix in (".xlsx", ".xlsm"):
            out: list[tuple[str | None, list[list[Any]]]] = []
            for name, rows, origin, uncalculated, errors in _bounded_sheets(
                path, lambda headers: [n for n, h in headers.items() if h]
            ):
                placed = _from_a1(rows, origin)
                if unseen:
                    _mark_unseen(placed, uncalculated, errors)
                out.append((name, placed))
            return out
        if suffix in (".csv", ".txt", ""):
            return [(None, _csv_rows(path))]
    raise UnreadableFileError(f"{path}: a {what} must be a .csv or .xlsx file, not {suffix}")


def _names_partners(header: list[str]) -> bool:
    """True when a table's first row has a 'partner' column."""
    return any(header_key(cell) in _PARTNER for cell in header[: LIMITS.max_columns])


def _csv_rows(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    if data[:2] == b"PK" or b"\x00" in data[:4096]:
        raise UnreadableFileError(
            f"{path}: this is a binary file (a workbook?), not a CSV; save it as .xlsx or CSV"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFileError(f"{path}: not UTF-8 text; export the CSV as UTF-8") from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # A quoted cell may hold a line break (a CRM's notes often do): the text is cut into lines only
    # where a file opened with newline="" is (_lines), and the csv module, which joins a quoted
    # cell's lines again, decides where a row ends. Row numbers are then rows, as a spreadsheet
    # shows them, which differ from the text's lines only after such a cell.
    rows: list[list[Any]] = []
    try:
        rows.extend(csv.reader(_lines(text), dialect))  # on an error, the rows before it stay in
    except csv.Error:
        # The one error csv raises on text it reads without strict mode: a cell past its limit.
        # It is placed at the row it starts in (the rows read so far, and the header).
        raise UnreadableFileError(
            f"{path}:{len(rows) + 1}: a cell holds more than {csv.field_size_limit():,} characters; "
            "is a quote left open? Close it, or export the table again"
        ) from None
    return rows


# Where str.splitlines breaks a line and a newline="" stream does not: a cell may hold these.
_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _lines(text: str) -> Iterable[str]:
    """The lines of ``text`` as csv's reader must see them: each with its own line break, broken at
    ``\\n``, ``\\r`` and ``\\r\\n`` only (a ``newline=""`` stream's lines)."""
    # splitlines(keepends=True) gives exactly those lines unless the text holds one of the other
    # characters it breaks at. It splits in C, where a stream hands out a line per call and holds a
    # copy of the text (a 1M-row export, 114 MB: read in 1.27 s and 1.26 GB instead of 1.46 s and 1.52 GB).
    if any(c in text for c in _OTHER_BREAKS):
        return io.StringIO(text, newline="")
    return text.splitlines(keepends=True)


def _from_a1(rows: list[list[Any]], origin: tuple[int, int]) -> list[list[Any]]:
    """Rows read from a sheet's first used cell, placed back from A1 (so row and column numbers hold)."""
    top, left = origin
    if left:
        rows = [[None] * left + row for row in rows]
    return [[] for _ in range(top)] + rows if top else rows


Chooser = Callable[[dict[str, list[str]]], list[str]]
"""Picks the sheets to read from each sheet's first row (its headers)."""


def _bounded_sheets(
    path: Path, choose: Chooser
) -> Iterator[tuple[str, list[list[Any]], tuple[int, int], Any, Any]]:
    """The sheets ``choose`` picks, each bounded before calamine sees it: name, rows from the first used
    cell, that cell's place, the formula cells without a value and the error cells."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != b"PK\x03\x04":
        raise UnreadableFileError(
            f"{path}: not an Excel workbook (an .xlsx file is a zip archive); "
            "if it is a CSV or an old .xls file, save it as .xlsx or .csv"
        )
    from partnerkit.io.ooxml.firstrow import SharedStrings, first_row
    from partnerkit.io.ooxml.parts import worksheets
    from partnerkit.io.ooxml.scan import SheetScan

    try:
        # The zip's sizes are checked before anything inflates, and calamine reads the bytes checked.
        package = Package.open(path, LIMITS)
        strings = SharedStrings(package)
        parts = {sheet.name: sheet.part for sheet in worksheets(package)}
        headers = {name: first_row(package, part, strings) for name, part in parts.items()}
        chosen = choose(headers)
        bounded = {}
        for name in chosen:
            scan = SheetScan(package.read(parts[name]))
            LIMITS.check_extent(name, scan.extent())
            bounded[name] = (scan.formulas_without_value(), scan.error_cells())
            del scan  # the sheet's XML: a large export's is hundreds of MB
    except DamagedPackage as exc:
        raise UnreadableFileError(f"{path}: cannot read the workbook: it {exc.sentence}") from None
    except PackageError as exc:
        raise exc.naming(path, UnreadableFileError, ": ") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read the workbook ({exc.strerror or exc})") from None
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(package.data))
    except PasswordError:
        raise UnreadableFileError(f"{path}: the workbook is encrypted; save an unprotected copy") from None
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path}: cannot read the workbook: {unreadable_content(exc)}; open it in Excel to repair it"
        ) from None
    damaged: tuple[type[Exception], ...] = (CalamineError, *CALAMINE_DAMAGE)
    try:
        for name in chosen:
            try:
                sheet = book.get_sheet_by_name(name)
                # skip_empty_area: the table starts at its first cell; ``start`` keeps the places right.
                origin = sheet.start or (0, 0)
                rows = sheet.to_python(skip_empty_area=True, nrows=LIMITS.max_rows + 1)
                del sheet
            except damaged as exc:
                raise UnreadableFileError(
                    f"{path}: cannot read sheet {name!r}: {unreadable_content(exc)}; open it in Excel to repair it"
                ) from None
            uncalculated, errors = bounded[name]
            yield name, rows, origin, uncalculated, errors
    finally:
        book.close()


def _read_workbook(path: Path, reader: FactsReader) -> None:
    """Read the sheets of a facts workbook that name a partner column, each bounded before calamine sees it."""
    seen: dict[str, list[str]] = {}

    def choose(headers: dict[str, list[str]]) -> list[str]:
        # A workbook often carries a notes or pivot sheet beside the export: read the sheets whose
        # first row names a 'partner' column, and say which were passed over. With none, every
        # sheet is read so that the missing column is reported where it should be.
        seen.update(headers)
        with_partners = [name for name, header in headers.items() if _names_partners(header)]
        return with_partners or [name for name, header in headers.items() if header]

    read: list[str] = []
    for name, rows, origin, uncalculated, errors in _bounded_sheets(path, choose):
        reader.read(rows, name, origin=origin, uncalculated=uncalculated, errors=errors)
        read.append(name)
        del rows
    if any(_names_partners(header) for header in seen.values()):
        for name, header in seen.items():
            if header and name not in read:
                reader.problems.append(
                    Problem(
                        f"sheet {name!r} has no 'partner' column; it was not read",
                        (),
                        severity=Severity.WARNING,
                        location=f"{path.name}: {name}!A1",
                        code="facts",
                    )
                )


class FactsReader:
    """Turns header-plus-rows tables into one fact table, collecting a problem for every bad cell."""

    def __init__(self, specs: Mapping[str, FactSpec], tiers: Collection[str] | None, source: str):
        self.specs = {header_key(k): (k, v) for k, v in specs.items()}
        self.tiers = list(tiers) if tiers is not None else None
        self.source = source
        self.table = FactTable(partners=[], current_tier=[], tier_since=[])
        for name, spec in specs.items():
            if spec.dated:
                self.table.dated[name] = DatedColumn()
            else:
                self.table.values[name] = []
        self.rows: dict[str, int] = {}  # folded name -> table row
        self.problems: list[Problem] = []
        self._origin = (0, 0)  # where the table being read starts on its sheet (0-based)
        # for dated rows, scalar facts keep the value of the latest date
        self._latest: dict[tuple[int, str], int] = {}
        # (partner key, fact, day) -> (where it was first seen, index of the observation or its value)
        self._seen: dict[tuple[str, str, int], tuple[str, Any]] = {}
        # folded name -> where a table without dates lists it, and the name as written there
        self._listed: dict[str, tuple[str, str]] = {}

    def where(self, sheet: str | None, row: int, col: int) -> str:
        """``facts.csv:88`` or ``facts.xlsx: Facts!D17`` (row and column from 0, in the table read)."""
        row, col = row + self._origin[0], col + self._origin[1]
        if sheet is None:
            return f"{self.source}:{row + 1}"
        return f"{self.source}: {sheet}!{column_letter(col)}{row + 1}"

    def problem(self, sheet: str | None, row: int, col: int, message: str, hint: str | None = None) -> None:
        """Record one problem at a cell."""
        self.problems.append(
            Problem(message, (), location=self.where(sheet, row, col), hint=hint, code="facts")
        )

    def partner_row(self, name: str) -> int:
        """The table row of a partner, added on first sight; ``orbit crm`` finds ``Orbit CRM``'s row."""
        key = fold_name(name)
        row = self.rows.get(key)
        if row is None:
            row = len(self.table.partners)
            self.rows[key] = row
            self.table.partners.append(name)
            self.table.current_tier.append(None)
            self.table.tier_since.append(None)
            for col in self.table.values.values():
                col.append(None)
        return row

    def read(
        self,
        rows: list[list[Any]],
        sheet: str | None,
        *,
        origin: tuple[int, int] = (0, 0),
        uncalculated: Collection[tuple[int, int]] = (),
        errors: Mapping[tuple[int, int], str] | None = None,
    ) -> None:
        """Read one table (a CSV or a sheet) whose first cell is at ``origin`` (0-based) on its sheet.

        ``uncalculated`` (formulas saved without a value) and ``errors`` (cells showing ``#N/A`` and
        the like) are sheet positions a reader of values sees as empty; each one the table uses is a
        problem.
        """
        self._origin = origin
        if not rows:
            return
        max_rows = LIMITS.max_rows
        if len(rows) > max_rows + 1:
            self.problem(sheet, max_rows + 1, 0, f"more than {max_rows:,} rows; split the table")
            rows = rows[: max_rows + 1]
        header = rows[0][: LIMITS.max_columns]
        unseen = _unseen_cells(uncalculated, errors or {}, origin)
        for c, (why, hint) in sorted(unseen.get(0, {}).items()):
            self.problem(sheet, 0, c, f"column header: {why}", hint)
        columns = self._columns(header, sheet)
        if columns is None:
            return
        partner_col, date_col, tier_col, since_col, facts = columns
        used = {partner_col, *(c for c in (date_col, tier_col, since_col) if c is not None)}
        used.update(c for c, _, _ in facts)
        dated_rows = date_col is not None
        if not dated_rows:
            for c, name, spec in facts:
                if spec.dated:
                    self.problem(
                        sheet,
                        0,
                        c,
                        f"{header[c]!r}: {name!r} is a dated fact; add a 'date' column to this table",
                    )
            facts = [f for f in facts if not f[2].dated]
        values = self.table.values
        dated = self.table.dated
        for r in range(1, len(rows)):
            line = rows[r]
            hidden = unseen.get(r)
            if hidden:
                # Cells a reader of values sees as empty: each is a problem, and none is a value.
                for c, (why, hint) in sorted(hidden.items()):
                    if c in used:
                        self.problem(sheet, r, c, f"{header[c]!r}: {why}", hint)
                if partner_col in hidden:
                    continue
            raw_name = line[partner_col] if partner_col < len(line) else None
            if raw_name in (None, "") and all(c in (None, "") for c in line):
                continue
            spelt = _partner_name(raw_name)
            if spelt is None:
                self.problem(
                    sheet,
                    r,
                    partner_col,
                    f"{header[partner_col]!r} {raw_name!r}: a partner name is text",
                    "write the partner's name as it appears in the plan",
                )
                continue
            name = spelt
            if not name:
                self.problem(sheet, r, partner_col, f"{header[partner_col]!r}: the partner name is empty")
                continue
            folded = fold_name(name)
            if not dated_rows:
                # The same partner however it is spelt: 'Orbit CRM' and 'orbit crm ' are one row twice.
                if folded in self._listed:
                    where, first_name = self._listed[folded]
                    written = "" if first_name == name else f" as {first_name!r}"
                    self.problem(
                        sheet, r, partner_col, f"partner {name!r} is listed twice (first at {where}{written})"
                    )
                    continue
                self._listed[folded] = (self.where(sheet, r, partner_col), name)
            row = self.partner_row(name)
            day_ordinal = None
            # A row without a usable date is still checked cell by cell, so one run shows every problem.
            undated = False
            if dated_rows and hidden and date_col in hidden:
                undated = True  # reported above
            elif dated_rows:
                assert date_col is not None
                cell = line[date_col] if date_col < len(line) else None
                try:
                    day = normalize(None if cell == "" else cell, _DATE_SPEC)
                except ValueError as exc:
                    self.problem(sheet, r, date_col, f"{header[date_col]!r} {cell!r}: {exc}")
                    day = None
                    undated = True
                else:
                    if day is None:
                        self.problem(sheet, r, date_col, f"{header[date_col]!r}: the date is empty")
                        undated = True
                day_ordinal = day.toordinal() if day is not None else None
            if tier_col is not None:
                self._tier(line, r, tier_col, row, sheet, header)
            if since_col is not None:
                cell = line[since_col] if since_col < len(line) else None
                try:
                    since = normalize(None if cell == "" else cell, _DATE_SPEC)
                except ValueError as exc:
                    self.problem(sheet, r, since_col, f"{header[since_col]!r} {cell!r}: {exc}")
                else:
                    if since is not None:
                        self.table.tier_since[row] = since
            for c, fact, spec in facts:
                cell = line[c] if c < len(line) else None
                if cell is None or cell == "":
                    continue
                kind = spec.kind
                # the common case, a number cell, skips the general parser
                if type(cell) is float and kind is not FactKind.BOOLEAN and kind is not FactKind.DATE:
                    if 0 <= cell < 1e15 and (kind is not FactKind.COUNT or cell.is_integer()):
                        value: Any = int(cell) if cell.is_integer() else exact_number(cell)
                    else:
                        self._bad(sheet, r, c, header, cell, spec)
                        continue
                else:
                    try:
                        value = normalize(cell, spec)
                    except ValueError as exc:
                        self.problem(
                            sheet,
                            r,
                            c,
                            f"{header[c]!r} {cell!r}: {exc}",
                            f"the {fact} column holds {_HOLDS[kind]}",
                        )
                        continue
                if value is None or undated:
                    continue
                if day_ordinal is not None and self._repeated(
                    folded, fact, spec, day_ordinal, value, sheet, r, c, name
                ):
                    continue
                if spec.dated:
                    assert day_ordinal is not None
                    col = dated[fact]
                    self._seen[(folded, fact, day_ordinal)] = (self.where(sheet, r, c), len(col.value))
                    col.partner.append(row)
                    col.day.append(day_ordinal)
                    col.value.append(value)
                elif day_ordinal is None:
                    values[fact][row] = value
                else:
                    key = (row, fact)
                    if day_ordinal >= self._latest.get(key, -1):
                        self._latest[key] = day_ordinal
                        values[fact][row] = value

    def _repeated(
        self,
        key: str,
        fact: str,
        spec: FactSpec,
        day: int,
        value: Any,
        sheet: str | None,
        r: int,
        c: int,
        name: str,
    ) -> bool:
        """True when this (partner, date, fact) was seen already: added up, ignored, or a problem."""
        seen = self._seen.get((key, fact, day))
        if seen is None:
            if not spec.dated:
                self._seen[(key, fact, day)] = (self.where(sheet, r, c), value)
            return False
        first, held = seen
        if spec.dated and spec.additive:
            self.table.dated[fact].value[held] += value  # one row per deal: the rows add up
            return True
        if not spec.dated and held == value:
            return True  # the same undated value repeated on each row of one date: no conflict
        day_text = date.fromordinal(day).isoformat()
        self.problem(
            sheet,
            r,
            c,
            f"{fact!r}: a second row for partner {name!r} on {day_text} (first at {first})",
            f"keep one row per partner and date, or declare {fact} 'additive: true' if the rows add up (one per deal)"
            if spec.dated
            else "keep one value per partner and date",
        )
        return True

    def _bad(self, sheet: str | None, r: int, c: int, header: list[Any], cell: Any, spec: FactSpec) -> None:
        try:
            normalize(cell, spec)
        except ValueError as exc:
            self.problem(sheet, r, c, f"{header[c]!r} {cell!r}: {exc}")

    def _tier(self, line: list[Any], r: int, c: int, row: int, sheet: str | None, header: list[Any]) -> None:
        cell = line[c] if c < len(line) else None
        if cell in (None, ""):
            return
        name = str(cell).strip()
        if self.tiers is not None and name not in self.tiers:
            from partnerkit.model.values import did_you_mean

            guess = did_you_mean(name, self.tiers)
            hint = f"did you mean {guess!r}?" if guess else "tiers: " + ", ".join(self.tiers)
            self.problem(sheet, r, c, f"{header[c]!r} {cell!r}: not a tier of the plan", hint)
            return
        self.table.current_tier[row] = name

    def _columns(
        self, header: list[Any], sheet: str | None
    ) -> tuple[int, int | None, int | None, int | None, list[tuple[int, str, FactSpec]]] | None:
        from partnerkit.model.values import did_you_mean

        partner_col = date_col = tier_col = since_col = None
        facts: list[tuple[int, str, FactSpec]] = []
        bad = False
        used: dict[str, int] = {}
        for c, cell in enumerate(header):
            key = header_key(cell)
            if not key:
                continue
            if key in used:
                self.problem(sheet, 0, c, f"column {cell!r} appears twice (also {column_letter(used[key])})")
                bad = True
                continue
            used[key] = c
            if key in _PARTNER and partner_col is None:
                partner_col = c
            elif key in _SPECIAL:
                role = _SPECIAL[key]
                if role == "date":
                    date_col = c
                elif role == "tier":
                    tier_col = c
                else:
                    since_col = c
            elif key in self.specs:
                name, spec = self.specs[key]
                facts.append((c, name, spec))
            else:
                known = [n for n, _ in self.specs.values()] + ["partner", "date", "tier", "tier_since"]
                guess = did_you_mean(key, known)
                hint = (
                    f"did you mean {guess!r}?" if guess else "declare it under tier_program.facts in the plan"
                )
                self.problem(sheet, 0, c, f"column {cell!r} is not a fact of the plan", hint)
                bad = True
        if partner_col is None:
            self.problem(
                sheet, 0, 0, "no 'partner' column: the first row must name the columns, one of them 'partner'"
            )
            return None
        if bad:
            return None
        return partner_col, date_col, tier_col, since_col, facts


def _mark_unseen(
    rows: list[list[Any]], uncalculated: Collection[tuple[int, int]], errors: Mapping[tuple[int, int], str]
) -> None:
    """Put an ``UnseenCell`` where rows placed from A1 hold a formula without a value or an error."""
    for r, by_column in _unseen_cells(uncalculated, errors, (0, 0)).items():
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        for c, (message, hint) in by_column.items():
            if len(row) <= c:
                row.extend([None] * (c + 1 - len(row)))
            row[c] = UnseenCell(message, hint)


def _unseen_cells(
    uncalculated: Collection[tuple[int, int]], errors: Mapping[tuple[int, int], str], origin: tuple[int, int]
) -> dict[int, dict[int, tuple[str, str]]]:
    """Sheet positions a reader of values sees as empty, by row and column of the table read: why, and
    what to do."""
    out: dict[int, dict[int, tuple[str, str]]] = {}
    r0, c0 = origin
    for r, c in uncalculated:
        out.setdefault(r - r0, {})[c - c0] = (NO_COMPUTED_VALUE, NO_COMPUTED_VALUE_HINT)
    for (r, c), error in errors.items():
        out.setdefault(r - r0, {})[c - c0] = (
            f"the cell shows the error {error}, not a value",
            "fix the formula that fails, or type the value",
        )
    return out


def _partner_name(raw: Any) -> str | None:
    """A partner cell as a name: text trimmed (non-breaking spaces as spaces), a whole number as its digits;
    None for what cannot be a name (yes/no, a date, a fraction)."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.replace("\u00a0", " ").strip()
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return str(int(raw))
    return None


def facts_rows(table: FactTable, specs: Mapping[str, FactSpec]) -> tuple[list[str], list[list[Any]]]:
    """A fact table as a header and one row per partner (scalar facts only), for writing a template."""
    names = [n for n, s in specs.items() if not s.dated]
    header = ["partner", "tier", "tier_since", *names]
    rows = []
    for i, partner in enumerate(table.partners):
        since = table.tier_since[i]
        row: list[Any] = [partner, table.current_tier[i], since.isoformat() if since else None]
        for name in names:
            value = table.column(name)[i]
            row.append(value.isoformat() if isinstance(value, date | datetime) else value)
        rows.append(row)
    return header, rows
