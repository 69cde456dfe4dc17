"""Read a facts table (CSV or XLSX) into partner fact columns, reporting every bad cell with its place.

Layout: one header row, then one row per partner (``partner`` plus one column per fact), or one row per
partner and date (``partner``, ``date``, facts) for dated facts such as monthly revenue. Optional
columns ``tier`` (current tier) and ``tier_since``. Headers are matched without case, spaces or
underscores mattering ("Certified staff" is ``certified_staff``). Every sheet of a workbook that has a partner column is read.

Cell rules (each broken rule is a problem ``facts.xlsx: Facts!D17: certified_staff '2.5': ...``):
empty cells are missing facts (unknown, never zero); money and numbers are plain numbers ("50000",
not "$50K" or "50,000"); counts are whole numbers; yes/no is true/false, yes/no, y/n or 1/0; dates are
date cells or YYYY-MM-DD text. Nothing is guessed.

Repeats: a partner is listed once in a table without dates; with dates, two rows for the same
partner, date and fact are a problem (partner names compared as they are matched to the plan,
without case or surrounding space), unless the fact is declared ``additive: true`` (one row per
deal: the rows add up). An undated fact repeated on one date with the same value is no conflict.
Numbers are held exactly: a cell showing 0.1 is 0.1, never 0.1000000000000000055.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.errors import UnreadableFileError
from partnerkit.model.rules import FactKind, FactSpec
from partnerkit.problems import Problem, Severity
from partnerkit.tiers.facts import DatedColumn, FactTable, exact_number, normalize, partner_key

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan

MAX_ROWS = 2_000_000
MAX_COLUMNS = 500
MAX_BYTES = 200 * 1024 * 1024
MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # 100,000 partners take about 30 MB of sheet XML
MAX_RATIO = 500
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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


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
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot read the facts table ({exc.strerror or exc})") from None
    if size > MAX_BYTES:
        raise UnreadableFileError(f"{path}: {size // 1_000_000} MB is too large for a facts table")
    suffix = path.suffix.lower()
    reader = FactsReader(specs, tiers, path.name)
    if suffix in (".xlsx", ".xlsm"):
        sheets = list(_workbook_sheets(path))
        with_partners = [(sheet, rows) for sheet, rows in sheets if _names_partners(rows)]
        # A workbook often carries a notes or pivot sheet beside the export: read the sheets whose
        # first row names a 'partner' column, and say which were passed over. With none, every
        # sheet is read so that the missing column is reported where it should be.
        for sheet, rows in with_partners or sheets:
            reader.read(rows, sheet)
        if with_partners:
            read = {sheet for sheet, _ in with_partners}
            for sheet, rows in sheets:
                if rows and sheet not in read:
                    reader.problems.append(
                        Problem(
                            f"sheet {sheet!r} has no 'partner' column; it was not read",
                            (),
                            severity=Severity.WARNING,
                            location=f"{path.name}: {sheet}!A1",
                            code="facts",
                        )
                    )
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


def _names_partners(rows: list[list[Any]]) -> bool:
    """True when a table's first row has a 'partner' column."""
    return bool(rows) and any(header_key(cell) in _PARTNER for cell in rows[0][:MAX_COLUMNS])


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
    return list(csv.reader(text.splitlines(), dialect))


def _workbook_sheets(path: Path) -> Iterable[tuple[str, list[list[Any]]]]:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != b"PK\x03\x04":
        raise UnreadableFileError(
            f"{path}: not an Excel workbook (an .xlsx file is a zip archive); "
            "if it is a CSV or an old .xls file, save it as .xlsx or .csv"
        )
    _check_inflation(path)
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except PasswordError:
        raise UnreadableFileError(f"{path}: the workbook is encrypted; save an unprotected copy") from None
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFileError(f"{path}: cannot read the workbook ({exc})") from None
    for name in names:
        try:
            sheet = book.get_sheet_by_name(name)
            # never trust the sheet's claimed dimension: read at most MAX_ROWS rows
            rows = sheet.to_python(skip_empty_area=True, nrows=MAX_ROWS + 1)
        except (CalamineError, ValueError) as exc:
            raise UnreadableFileError(f"{path}: cannot read sheet {name!r} ({exc})") from None
        yield name, rows


def _check_inflation(path: Path) -> None:
    """Refuse a workbook that would inflate far beyond any facts table (a zip bomb), before reading it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFileError(f"{path}: cannot read the workbook ({exc})") from None
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED:
        raise UnreadableFileError(
            f"{path}: the workbook unpacks to {total // 1_000_000:,} MB, more than a facts table can be"
        )
    for entry in entries:
        if entry.file_size > 10_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise UnreadableFileError(
                f"{path}: {entry.filename} is compressed suspiciously well; not reading it"
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
        self.rows: dict[str, int] = {}
        self.problems: list[Problem] = []
        # for dated rows, scalar facts keep the value of the latest date
        self._latest: dict[tuple[int, str], int] = {}
        # (partner key, fact, day) -> (where it was first seen, index of the observation or its value)
        self._seen: dict[tuple[str, str, int], tuple[str, Any]] = {}
        self._listed: dict[str, str] = {}  # partner key -> where a table without dates lists it

    def where(self, sheet: str | None, row: int, col: int) -> str:
        """``facts.csv:88`` or ``facts.xlsx: Facts!D17`` (row and column from 0)."""
        if sheet is None:
            return f"{self.source}:{row + 1}"
        return f"{self.source}: {sheet}!{column_letter(col)}{row + 1}"

    def problem(self, sheet: str | None, row: int, col: int, message: str, hint: str | None = None) -> None:
        """Record one problem at a cell."""
        self.problems.append(
            Problem(message, (), location=self.where(sheet, row, col), hint=hint, code="facts")
        )

    def partner_row(self, name: str) -> int:
        """The table row of a partner, added on first sight."""
        row = self.rows.get(name)
        if row is None:
            row = len(self.table.partners)
            self.rows[name] = row
            self.table.partners.append(name)
            self.table.current_tier.append(None)
            self.table.tier_since.append(None)
            for col in self.table.values.values():
                col.append(None)
        return row

    def read(self, rows: list[list[Any]], sheet: str | None) -> None:
        """Read one table (a CSV or a sheet)."""
        if not rows:
            return
        if len(rows) > MAX_ROWS + 1:
            self.problem(sheet, MAX_ROWS + 1, 0, f"more than {MAX_ROWS:,} rows; split the table")
            rows = rows[: MAX_ROWS + 1]
        header = rows[0][:MAX_COLUMNS]
        columns = self._columns(header, sheet)
        if columns is None:
            return
        partner_col, date_col, tier_col, since_col, facts = columns
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
            raw_name = line[partner_col] if partner_col < len(line) else None
            if raw_name in (None, "") and all(c in (None, "") for c in line):
                continue
            name = str(raw_name).replace("\u00a0", " ").strip() if raw_name is not None else ""
            if not name:
                self.problem(sheet, r, partner_col, f"{header[partner_col]!r}: the partner name is empty")
                continue
            folded = partner_key(name)
            if not dated_rows:
                if folded in self._listed:
                    first = self._listed[folded]
                    self.problem(
                        sheet, r, partner_col, f"partner {name!r} is listed twice (first at {first})"
                    )
                    continue
                self._listed[folded] = self.where(sheet, r, partner_col)
            row = self.partner_row(name)
            day_ordinal = None
            # A row without a usable date is still checked cell by cell, so one run shows every problem.
            undated = False
            if dated_rows:
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
