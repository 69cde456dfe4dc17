"""Read workbook tables into plan data: every cell by its column's rule, each field's cell remembered.

The data has the shape of a plan file, so one round of validation (``partnerkit.validation``) serves
workbooks and plan files alike. A cell that breaks its column's rule is a problem on that cell; the
tables' rows are read column by column, so the blank cells of a wide sheet cost next to nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress, repeat
from operator import ne
from typing import Any

from partnerkit.io.ooxml.scan import NO_COMPUTED_VALUE, NO_COMPUTED_VALUE_HINT
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellRuleError, from_cell, is_blank
from partnerkit.io.workbook.labels import path_of
from partnerkit.io.workbook.layout import FieldRef, Kind, Table, cell_name
from partnerkit.io.workbook.refs import ColumnMap, Refs, TableData, normalize_header, show_cell
from partnerkit.io.workbook.rows import dig
from partnerkit.model.values import fold_name, fold_names
from partnerkit.problems import FieldPath, Problem, Severity


@dataclass
class _Reader:
    """Collects plan data, where each field came from, and the problems of cells that break a rule."""

    source: str
    data: dict[str, Any] = field(default_factory=dict)
    refs: Refs = field(default_factory=Refs)
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, ref: FieldRef, message: str, path: FieldPath = (), severity: Severity = Severity.ERROR
    ) -> None:
        """Record a problem at a cell."""
        self.problems.append(
            Problem(message, path, severity=severity, location=ref.location, code="workbook")
        )

    def put(self, path: FieldPath, value: Any) -> Any:
        """Set ``value`` at ``path`` in the plan data, creating the mappings and lists on the way."""
        node: Any = self.data
        for i, part in enumerate(path[:-1]):
            nxt = path[i + 1]
            if isinstance(node, list):
                while len(node) <= int(part):
                    node.append({} if not isinstance(nxt, int) else [])
                node = node[int(part)]
            else:
                node = node.setdefault(part, [] if isinstance(nxt, int) else {})
        last = path[-1]
        if isinstance(node, list):
            while len(node) <= int(last):
                node.append(None)
            node[int(last)] = value
        else:
            node[last] = value
        return value

    def clashes(self, path: FieldPath) -> bool:
        """True when ``path`` would go through a value already set, or replace a whole section."""
        node: Any = self.data
        for part in path:
            if isinstance(node, list):
                if not isinstance(part, int) or part >= len(node):
                    return False
                node = node[part]
            elif isinstance(node, dict):
                if isinstance(part, int) or part not in node:
                    return False
                node = node[part]
            else:
                return True
        return isinstance(node, (dict, list))

    def get(self, path: FieldPath) -> Any:
        """The data at ``path`` (created by ``put``)."""
        node: Any = self.data
        for part in path:
            node = node[part]
        return node

    def cell(
        self,
        table: TableData,
        column: L.Column,
        header: str,
        row: int,
        col: int,
        value: Any,
        path: FieldPath,
        unit: str | None = None,
    ) -> Any:
        """Read one cell into the plan at ``path``; a broken rule becomes a problem at the cell."""
        ref = FieldRef(table.sheet, cell_name(row, col), header, value)
        self.refs[path] = ref
        if (row, col) in table.uncalculated:
            self.problem(
                ref,
                f"{header}: {NO_COMPUTED_VALUE}; {NO_COMPUTED_VALUE_HINT}",
                path,
            )
            return None
        if (row, col) in table.errors:
            self.problem(
                ref,
                f"{header}: the cell shows the error {table.errors[row, col]}, not a value; "
                "fix the formula that fails, or type the value",
                path,
            )
            return None
        percent = table.percent_format(row, col) if table.percent_format else None
        try:
            converted = from_cell(column.kind, value, percent_format=percent, unit=unit)
        except CellRuleError as exc:
            self.problem(ref, f"{header} = {show_cell(value)}: expected {exc}", path)
            return None
        if converted is not None and converted != []:
            self.put(path, converted)
        return converted


def _columns(reader: _Reader, table: Table, found: TableData | None) -> dict[int, L.Column]:
    """Which layout column each read column is; a missing input column is a problem."""
    if found is None:
        return {}
    wanted = {normalize_header(c.header): c for c in table.columns}
    matched: dict[int, L.Column] = {}
    for i, header in enumerate(found.headers):
        column = wanted.get(normalize_header(header))
        if column is not None and column not in matched.values():
            matched[i] = column
    missing = [c for c in table.inputs if c not in matched.values()]
    if missing:
        ref = FieldRef(found.sheet, cell_name(found.top, found.left), "", None)
        names = ", ".join(repr(c.header) for c in missing)
        optional = all(c.optional for c in missing)
        reader.problem(
            ref,
            f"the {table.name} table has no column {names}; "
            + ("those fields stay empty (add the columns to fill them)" if optional else "add it back"),
            severity=Severity.WARNING if optional else Severity.ERROR,
        )
    return matched


def _rows(found: TableData | None) -> Iterator[tuple[int, list[Any]]]:
    if found is None:
        return
    for i, row in enumerate(found.rows):
        first = row[0] if row else None
        if type(first) is str and first.strip():  # the common row: its first cell holds text
            yield found.top + 1 + i, row
            continue
        empty = row.count("") + row.count(None)
        # Cheap counting first; the closer look only for rows that are mostly empty anyway.
        if empty == len(row) or (empty * 2 > len(row) and all(is_blank(v) for v in row)):
            continue
        yield found.top + 1 + i, row


def _read_key_value(reader: _Reader, table: Table, found: TableData | None, currency: str) -> None:
    if found is None:
        return
    columns = _columns(reader, table, found)
    by_header = {c.header: i for i, c in columns.items()}
    if "Field" not in by_header or "Value" not in by_header:
        return
    fi, vi = by_header["Field"], by_header["Value"]
    counters: dict[tuple[str | int, ...], int] = {}
    for row_no, row in _rows(found):
        label = row[fi] if fi < len(row) else None
        value = row[vi] if vi < len(row) else None
        ref = FieldRef(found.sheet, cell_name(row_no, found.left + fi), "Field", label)
        if is_blank(label):
            reader.problem(
                ref, f"Value = {show_cell(value)} has no Field name; fill in the field or clear the row"
            )
            continue
        path = path_of(table.name, str(label))
        if path is None:
            reader.problem(
                ref,
                f"Field = {show_cell(label)}: not a field of the {table.name} table",
                severity=Severity.WARNING,
            )
            continue
        if path[-1:] and isinstance(path[-1], int) and _kind_or_text(path[:-1]) is Kind.TEXTS:
            # Items of a list of texts keep their order, whatever numbers they carry.
            index = counters.get(path[:-1], 0)
            counters[path[:-1]] = index + 1
            path = (*path[:-1], index)
        if reader.clashes(path):
            # A damaged or hand-made label can name a part of a field another row already gave
            # whole ("Owner" and then "Owner.name"); the first row stands.
            reader.problem(ref, f"Field = {show_cell(label)}: another row already gives this field; keep one")
            continue
        column = L.Column("Value", (), _kind_or_text(path))
        reader.cell(found, column, f"Value of {label}", row_no, found.left + vi, value, path)
    _ = currency


def _kind_or_text(path: tuple[str | int, ...]) -> Kind:
    """The kind of a (Field, Value) row; text for a field the plan does not have (the model says so)."""
    try:
        return L.key_value_kind(path)[0]
    except (KeyError, AttributeError, IndexError):
        return Kind.TEXT


def _read_rows(
    reader: _Reader,
    table: Table,
    found: TableData | None,
    place: Callable[[int, dict[str, Any], FieldRef], FieldPath | None],
    fixed_keys: frozenset[str] = frozenset(),
) -> None:
    """Read each non-empty row; ``place`` says where in the plan the row goes (None skips it)."""
    columns = _columns(reader, table, found)
    if found is None:
        return
    fixed = {i: c for i, c in columns.items() if not c.result and c.path and c.path[0] in fixed_keys}
    active = [(i, c) for i, c in sorted(columns.items()) if not c.result and i not in fixed]
    column_map: ColumnMap = {c.path: (found.left + i, c.header) for i, c in active}
    unit_at = next((i for i, c in columns.items() if c.header == "Unit"), None)
    check_formulas = bool(found.uncalculated or found.errors)
    first = min(columns) if columns else 0
    first_header = columns[first].header if columns else ""
    # First the rows: where each goes in the plan. Then the cells, column by column, so that the blank
    # cells of a wide table (most of them, for partners of other categories) cost next to nothing.
    kept: list[tuple[int, list[Any], dict[str, Any], str | None, Any, Any]] = []
    for row_no, row in _rows(found):
        keys: dict[str, Any] = {}
        for i, column in fixed.items():
            value = row[i] if i < len(row) else None
            keys[column.path[0]] = value.strip() if type(value) is str else from_cell(Kind.TEXT, value)
            keys[column.path[0] + "@"] = FieldRef(found.sheet, (row_no, found.left + i), column.header, value)
        row_ref = FieldRef(found.sheet, (row_no, found.left + first), first_header)
        base = place(row_no, keys, row_ref)
        if base is None:
            continue
        reader.refs.rows[base] = (found, row_no, column_map)
        unit = None
        if unit_at is not None and unit_at < len(row) and isinstance(row[unit_at], str):
            unit = row[unit_at].strip().lower()
        record = keys.get("_record")
        if record is None:
            record = reader.get(base)
        kept.append((row_no, row, record, unit, keys.get("_fields"), (base, keys.get("category"))))
    if not kept:
        return
    width = len(found.headers)
    grid = [row if len(row) == width else [*row[:width], *[None] * (width - len(row))] for _, row, *_ in kept]
    by_column = list(zip(*grid, strict=True))
    row_nos = [entry[0] for entry in kept]
    records = [entry[2] for entry in kept]
    units = [entry[3] for entry in kept]
    alloweds = [entry[4] for entry in kept]
    allowed_sets = list({id(e[4]): e[4] for e in kept if e[4] is not None}.values())
    done: set[tuple[int, int]] = set()
    if check_formulas:
        at_row = {entry[0]: k for k, entry in enumerate(kept)}
        for row_no, col in [*found.uncalculated, *found.errors]:
            k = at_row.get(row_no)
            i = col - found.left
            if k is None or i not in dict(active):
                continue
            column = dict(active)[i]
            entry = kept[k]
            reader.cell(
                found, column, column.header, row_no, col, None, (*entry[5][0], *column.path), entry[3]
            )
            done.add((k, i))
    for i, column in active:
        if i >= width:
            continue
        values = by_column[i]
        col = found.left + i
        path = column.path
        key = path[0]
        kind = column.kind
        plain = kind in _PLAIN_TEXT
        ids = kind is Kind.IDS
        numbered = found.percent_format is not None and kind in _NUMBERED
        blanks = values.count(None)
        empties = values.count("")
        if blanks + empties == len(values):  # no row fills this column: nothing to read
            continue
        filled: Sequence[int]
        if not blanks and not empties:
            filled = range(len(values))
        else:
            # The filled cells' indexes, picked in C: a partly filled column costs a loop only
            # over its filled cells.
            filled = list(compress(range(len(values)), map(ne, values, repeat(""))))
            if blanks:
                filled = [k for k in filled if values[k] is not None]
        single = len(path) == 1
        everywhere = all(key in a for a in allowed_sets)  # a field of every row's category
        if (plain or ids) and not done and everywhere:
            if single and not blanks and _all_plain_text(values, ids):
                # The most common column of a large sheet: every row has typed text (or one
                # source id) without a non-breaking space; stored in one sweep.
                if ids:
                    for record, text in zip(records, map(str.strip, values), strict=True):
                        if text:
                            record[key] = [text]
                else:
                    for record, text in zip(records, map(str.strip, values), strict=True):
                        if text:
                            record[key] = text
                continue
            # The common cells of a large sheet (typed text, one source id) stored straight into
            # their records; anything else goes the general way below.
            other: list[int] = []
            for k in filled:
                value = values[k]
                if type(value) is not str or (ids and ("," in value or ";" in value)):
                    other.append(k)
                    continue
                text = value.strip()
                if "\u00a0" in text:  # strip() drops outer ones; inner ones read as spaces
                    text = value.replace("\u00a0", " ").strip()
                if not text:
                    continue
                if single:
                    records[k][key] = [text] if ids else text
                else:
                    _store(records[k], path, [text] if ids else text)
            if not other:
                continue
            filled = other
        # Numbers repeat down a column (margins, amounts): each distinct one is converted once.
        memo: dict[tuple[type, Any, bool | None, str | None], Any] = {}
        for k in filled:
            if done and (k, i) in done:
                continue
            value = values[k]
            if not everywhere:
                allowed = alloweds[k]
                if allowed is not None and key not in allowed:
                    if not is_blank(value):
                        ref = FieldRef(found.sheet, (row_nos[k], col), column.header, value)
                        reader.problem(
                            ref,
                            f"{column.header} = {show_cell(value)}: {column.header} is not a field of "
                            f"{kept[k][5][1]} partners; it is ignored (clear it or change the Category)",
                            severity=Severity.WARNING,
                        )
                    continue
            if plain and type(value) is str:
                converted: Any = value.replace("\u00a0", " ").strip() if "\u00a0" in value else value.strip()
                if not converted:
                    continue
            elif ids and type(value) is str and "," not in value and ";" not in value:
                # One id, e.g. "S2": the common case of a Sources cell.
                converted = [value.strip()] if value.strip() else []
                if not converted:
                    continue
            else:
                unit = units[k]
                percent = None
                if numbered and isinstance(value, float | int):
                    percent = found.percent_format(row_nos[k], col)  # type: ignore[misc]
                number = type(value) in _MEMO_TYPES
                if number and (type(value), value, percent, unit) in memo:
                    converted = memo[type(value), value, percent, unit]
                else:
                    try:
                        converted = from_cell(kind, value, percent_format=percent, unit=unit)
                    except CellRuleError as exc:
                        ref = FieldRef(found.sheet, (row_nos[k], col), column.header, value)
                        reader.problem(
                            ref,
                            f"{column.header} = {show_cell(value)}: expected {exc}",
                            (*kept[k][5][0], *path),
                        )
                        continue
                    if number and type(converted) in _MEMO_TYPES:  # never share a list between records
                        memo[type(value), value, percent, unit] = converted
                if converted is None or converted == []:
                    continue
            if single:
                records[k][key] = converted
            else:
                _store(records[k], path, converted)


def _all_plain_text(values: Sequence[Any], ids: bool) -> bool:
    """True when every value is text without a non-breaking space (nor, for ids, a list separator)."""
    if set(map(type, values)) != {str}:
        return False
    joined = "".join(values)  # one search of all the column's text, not one per cell
    return "\u00a0" not in joined and not (ids and ("," in joined or ";" in joined))


def _store(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set a field of a row's record; a dotted field (``revenue_potential.min``) nests."""
    if len(path) == 1:
        record[path[0]] = value
        return
    node = record
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


_PLAIN_TEXT = (Kind.TEXT, Kind.CHOICE)
_MEMO_TYPES = (float, int, str, bool, date, datetime)  # immutable cell values whose conversion can be reused
_NUMBERED = (Kind.PERCENT, Kind.METRIC)


def _cell_at(
    reader: _Reader, found: TableData, row_no: int, row: list[Any], index: int | None
) -> tuple[Any, FieldRef]:
    value = row[index] if index is not None and index < len(row) else None
    header = found.headers[index] if index is not None and index < len(found.headers) else ""
    return value, FieldRef(found.sheet, (row_no, found.left + (index or 0)), header.strip(), value)


def _read_tier_rules(reader: _Reader, found: TableData | None, tiers: dict[str, int]) -> None:
    """The TierRules table: one rule of a tier per row, in the rule language."""
    columns = _columns(reader, L.TIER_RULES, found)
    if found is None:
        return
    at = {c.header: i for i, c in columns.items()}
    counts: dict[int, int] = {}
    for row_no, row in _rows(found):
        tier, tier_ref = _cell_at(reader, found, row_no, row, at.get("Tier"))
        rule, rule_ref = _cell_at(reader, found, row_no, row, at.get("Rule"))
        name = str(from_cell(Kind.TEXT, tier) or "")
        if name not in tiers:
            shown = ", ".join(tiers) or "none yet"
            reader.problem(tier_ref, f"Tier = {show_cell(tier)}: not a tier of the Tiers table ({shown})")
            continue
        index = counts.get(tiers[name], 0)
        counts[tiers[name]] = index + 1
        path: FieldPath = ("tiers", tiers[name], "rules", index)
        reader.refs[path] = rule_ref
        try:
            converted = from_cell(Kind.RULE, rule)
        except CellRuleError as exc:
            reader.problem(rule_ref, f"Rule = {show_cell(rule)}: expected {exc}", path)
            continue
        if converted is not None:
            reader.put(path, converted)


def _read_partner_facts(reader: _Reader, found: TableData | None, partners: dict[str, FieldPath]) -> None:
    """The PartnerFacts table: a fact per row, with a date for dated facts (one row per observation).

    A program of 10,000 partners has some 100,000 of these rows: the common cells (a name typed as
    text, a date cell, a number) are read on a fast path, and each value's cell is remembered as a
    row entry of the refs, made into a cell reference only when a problem needs it.
    """
    columns = _columns(reader, L.PARTNER_FACTS, found)
    if found is None:
        return
    at = {c.header: i for i, c in columns.items()}
    indexes = [at.get(h) for h in ("Partner", "Fact", "Date", "Value")]
    value_at = indexes[3]
    value_column: ColumnMap = (
        {(): (found.left + value_at, found.headers[value_at].strip())} if value_at is not None else {}
    )
    records: dict[str, dict[str, Any]] = {}
    for row_no, row in _rows(found):
        partner, fact, when, value = (row[i] if i is not None and i < len(row) else None for i in indexes)
        key = fold_name(partner if type(partner) is str else str(from_cell(Kind.TEXT, partner) or ""))
        if key not in partners:
            _, partner_ref = _cell_at(reader, found, row_no, row, indexes[0])
            reader.problem(
                partner_ref, f"Partner = {show_cell(partner)}: not a partner of the Partners table"
            )
            continue
        name = (
            fact.strip()
            if type(fact) is str and "\u00a0" not in fact
            else str(from_cell(Kind.TEXT, fact) or "")
        )
        if not name:
            _, fact_ref = _cell_at(reader, found, row_no, row, indexes[1])
            reader.problem(fact_ref, "Fact is empty: name the fact, e.g. revenue")
            continue
        path: FieldPath = (*partners[key], "facts", name)
        try:
            day = when.isoformat() if type(when) is date else from_cell(Kind.DATE, when)
            seen = value if type(value) in (int, bool) else from_cell(Kind.FACT, value)
        except CellRuleError as exc:
            _, when_ref = _cell_at(reader, found, row_no, row, indexes[2])
            _, value_ref = _cell_at(reader, found, row_no, row, indexes[3])
            bad_ref = when_ref if not is_blank(when) and not isinstance(when, date) else value_ref
            reader.problem(bad_ref, f"{bad_ref.header} = {show_cell(bad_ref.value)}: expected {exc}", path)
            continue
        record = records.get(key)
        if record is None:
            record = records[key] = reader.get(partners[key])
        facts = record.setdefault("facts", {})
        where = (found, row_no, value_column)
        if day is None:
            facts[name] = seen
            reader.refs.rows[path] = where
        else:
            series = facts.setdefault(name, {})
            if not isinstance(series, dict):
                _, when_ref = _cell_at(reader, found, row_no, row, indexes[2])
                reader.problem(
                    when_ref,
                    f"Date = {show_cell(when)}: {name} has a value without a date too; keep one form",
                )
                continue
            series[day] = seen
            reader.refs.rows.setdefault(path, where)
            reader.refs.rows[(*path, day)] = where


def plan_data_from_tables(
    tables: dict[str, TableData], source: str
) -> tuple[dict[str, Any], Refs, list[Problem]]:
    """Plan data (the shape of a plan file), where each field came from, and the cells that break a rule."""
    reader = _Reader(source)
    currency = "USD"
    for key_value in (t for t in L.TABLES if t.key_value):
        _read_key_value(reader, key_value, tables.get(key_value.name), currency)
    data = reader.data

    partner_lists: dict[str, list[dict[str, Any]]] = {}
    categories = {k.casefold(): k for k in L.PARTNER_MODELS}
    fields = {k: set(m.model_fields) for k, m in L.PARTNER_MODELS.items()}

    # A category as typed -> (category, its fields, its key, its partner list): found once per spelling.
    known: dict[Any, tuple[str, set[str], str, list[dict[str, Any]]]] = {}

    def partner(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        typed = keys.get("category")
        hit = known.get(typed) if type(typed) is str else None
        if hit is None:
            category = str(typed or "").strip()
            match = categories.get(category.casefold())
            if match is None:
                choices = ", ".join(L.PARTNER_MODELS)
                cell = keys.get("category@", ref)
                reader.problem(cell, f"Category = {show_cell(typed)}: expected one of {choices}")
                return None
            kind = match.lower()
            listed = partner_lists.get(kind)
            if listed is None:  # the list is found once; a partner row only appends to it
                category_data = data.setdefault("categories", {}).setdefault(kind, {})
                listed = partner_lists[kind] = category_data.setdefault("partners", [])
            hit = (match, fields[match], kind, listed)
            if type(typed) is str:
                known[typed] = hit
        match, keys["_fields"], kind, listed = hit
        keys["category"] = match
        record: dict[str, Any] = {}
        keys["_record"] = record
        path: FieldPath = ("categories", kind, "partners", len(listed))
        listed.append(record)
        return path

    _read_rows(reader, L.PARTNERS_TABLE, tables.get("Partners"), partner, frozenset({"category"}))
    partner_paths: dict[str, FieldPath] = {}
    named = any(any(True for _ in _rows(tables.get(t))) for t in ("TermOverrides", "PartnerFacts"))
    for kind in L.PARTNER_MODELS if named else ():  # only rows naming partners need their names
        listed = dig(data, ("categories", kind.lower(), "partners")) or []
        folded = fold_names([str(found.get("name", "")) for found in listed])
        for i, name in enumerate(folded):
            partner_paths.setdefault(name, ("categories", kind.lower(), "partners", i))

    def override(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        name = str(keys.get("partner") or "").strip()
        term = str(keys.get("term") or "").strip()
        if fold_name(name) not in partner_paths:
            reader.problem(
                keys.get("partner@", ref),
                f"Partner = {show_cell(keys.get('partner'))}: not a partner of the Partners table",
            )
            return None
        if not term:
            reader.problem(keys.get("term@", ref), "Term is empty: choose the term this row changes")
            return None
        path: FieldPath = (*partner_paths[fold_name(name)], "overrides", term)
        reader.put(path, {})
        reader.refs[path] = keys.get("term@", ref)
        return path

    _read_rows(
        reader, L.TERM_OVERRIDES, tables.get("TermOverrides"), override, frozenset({"partner", "term"})
    )
    _read_partner_facts(reader, tables.get("PartnerFacts"), partner_paths)

    def tier(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath:
        index = len(data.setdefault("tiers", []))
        path: FieldPath = ("tiers", index)
        reader.put(path, {})
        return path

    _read_rows(reader, L.TIERS_TABLE, tables.get("Tiers"), tier)
    names = {str(t.get("name", "")).strip(): i for i, t in enumerate(data.get("tiers", []))}
    criteria_counts: dict[int, int] = {}

    def criterion(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        name = str(keys.get("tier") or "").strip()
        if name not in names:
            shown = ", ".join(names) or "none yet"
            reader.problem(
                keys.get("tier@", ref),
                f"Tier = {show_cell(keys.get('tier'))}: not a tier of the Tiers table ({shown})",
            )
            return None
        index = names[name]
        count = criteria_counts.get(index, 0)
        criteria_counts[index] = count + 1
        path: FieldPath = ("tiers", index, "criteria", count)
        reader.put(path, {})
        return path

    _read_rows(reader, L.TIER_CRITERIA, tables.get("TierCriteria"), criterion, frozenset({"tier"}))
    _read_tier_rules(reader, tables.get("TierRules"), names)

    def fact_spec(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        name = str(keys.get("fact") or "").strip()
        if not name:
            reader.problem(keys.get("fact@", ref), "Fact is empty: name the fact, e.g. revenue")
            return None
        path: FieldPath = ("tier_program", "facts", name)
        reader.put(path, {})
        reader.refs[path] = keys.get("fact@", ref)
        return path

    _read_rows(reader, L.FACT_SPECS, tables.get("FactSpecs"), fact_spec, frozenset({"fact"}))

    phase_index: dict[str, int] = {}

    def phase(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath:
        index = len(phase_index)
        quarter = str(keys.get("quarter") or "").strip()
        phase_index.setdefault(quarter, index)
        path: FieldPath = ("roadmap", "phases", index)
        reader.put(path, {"activities": [], "targets": []})
        if keys.get("quarter") is not None:
            reader.put((*path, "quarter"), keys["quarter"])
            reader.refs[(*path, "quarter")] = keys["quarter@"]
        return path

    _read_rows(reader, L.PHASES, tables.get("Phases"), phase, frozenset({"quarter"}))
    scale = dig(data, ("roadmap", "scale"))
    scale_quarters = str(scale.get("quarters", "Q3-Q4")).strip() if isinstance(scale, dict) else None
    activity_counts: dict[FieldPath, int] = {}

    def in_phase(what: str) -> Callable[[int, dict[str, Any], FieldRef], FieldPath | None]:
        key = "phase" if what == "activities" else "quarter"

        def place(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
            quarter = str(keys.get(key) or "").strip()
            if quarter in phase_index:
                owner: FieldPath = ("roadmap", "phases", phase_index[quarter])
            elif what == "activities" and scale_quarters is not None and quarter == scale_quarters:
                owner = ("roadmap", "scale")
            else:
                known = [*phase_index, *([scale_quarters] if scale_quarters and what == "activities" else [])]
                reader.problem(
                    keys.get(f"{key}@", ref),
                    f"{key.title()} = {show_cell(keys.get(key))}: not a quarter of the Phases table "
                    f"({', '.join(known) or 'none yet'})",
                )
                return None
            count = activity_counts.get((*owner, what), 0)
            activity_counts[(*owner, what)] = count + 1
            path: FieldPath = (*owner, what, count)
            reader.put(path, {})
            return path

        return place

    _read_rows(reader, L.ACTIVITIES, tables.get("Activities"), in_phase("activities"), frozenset({"phase"}))
    _read_rows(reader, L.TARGETS, tables.get("Targets"), in_phase("targets"), frozenset({"quarter"}))

    for name, table in (
        ("metrics", L.METRICS_TABLE),
        ("assumptions", L.ASSUMPTIONS_TABLE),
        ("sources", L.SOURCES_TABLE),
    ):
        data.setdefault(name, [])

        def place(row_no: int, keys: dict[str, Any], ref: FieldRef, name: str = name) -> FieldPath:
            index = len(data[name])
            data[name].append({})
            return (name, index)

        _read_rows(reader, table, tables.get(table.name), place)
    for kind in L.PARTNER_MODELS:
        category = data.setdefault("categories", {}).setdefault(kind.lower(), {})
        category.setdefault("partners", [])
    data.setdefault("tiers", [])
    return data, reader.refs, reader.problems
