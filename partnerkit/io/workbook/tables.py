"""The plan as the workbook's tables and back: rows of cells for each table, and a plan from read tables.

Both directions go through the layout, so export then import gives back an equal plan. Reading keeps
where each field came from (``Partners!D17``, its header and the value the cell showed), so every
problem the plan model or the plan checks report lands on the cell to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellRuleError, CellValue, from_cell, is_blank, number_text, to_cell
from partnerkit.io.workbook.layout import FieldRef, Kind, Table, cell_name
from partnerkit.model import Plan
from partnerkit.problems import FieldPath, Problem, Severity
from partnerkit.validation import validate_plan_data

PercentOracle = Callable[[int, int], bool | None]
"""Tells whether the cell at a 0-based (row, column) is formatted as a percentage; None when unknown."""


# --- plan -> rows ------------------------------------------------------------------------------------


def _dig(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _row(table: Table, item: dict[str, Any], currency: str, **fixed: Any) -> list[CellValue]:
    unit = item.get("unit")
    out: list[CellValue] = []
    for column in table.columns:
        if column.result:
            out.append(None)
        elif column.path and column.path[0] in fixed:
            out.append(fixed[column.path[0]])
        else:
            out.append(to_cell(column.kind, _dig(item, column.path), currency, unit))
    return out


def field_label(path: Sequence[str | int]) -> str:
    """A plan field as the (Field, Value) tables show it: ``philosophy.strategic_goals[1]``."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _flatten(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(data, dict) and path[-1:] != ("tier_targets",):
        for key, value in data.items():
            if key in L.ROW_LISTS or (key == "revenue_potential"):
                continue
            yield from _flatten(value, (*path, key))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), value
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        # A short list of records inside a settings section (e.g. capacity changes): one row per field.
        for i, item in enumerate(data):
            yield from _flatten(item, (*path, i))
    elif isinstance(data, list) and L.key_value_kind(path)[0] is Kind.TEXTS:
        for i, value in enumerate(data):
            yield (*path, i), value
    else:
        yield path, data


def key_value_rows(data: dict[str, Any], table: Table, currency: str) -> list[list[CellValue]]:
    """The (Field, Value) rows of one key-value table."""
    rows: list[list[CellValue]] = []
    for prefix in L.KEY_VALUE_SECTIONS[table.name]:
        section = _dig(data, prefix)
        if section is None:
            continue
        for path, value in _flatten(section, prefix):
            kind, _ = L.key_value_kind(path)
            rows.append([field_label(path), to_cell(kind, value, currency)])
    return rows


def plan_rows(plan: Plan) -> dict[str, list[list[CellValue]]]:
    """Every input table of the workbook as rows of cell values (result columns empty)."""
    data = plan.model_dump(mode="json")
    currency = plan.product.currency
    rows: dict[str, list[list[CellValue]]] = {t.name: [] for t in L.TABLES}
    for table in (L.PLAN_INFO, L.AGREEMENT_TERMS, L.ROADMAP_SETTINGS, L.TIER_PROGRAM):
        rows[table.name] = key_value_rows(data, table, currency)
    for kind in L.PARTNER_MODELS:
        for partner in data["categories"][kind.lower()]["partners"]:
            rows["Partners"].append(_row(L.PARTNERS_TABLE, partner, currency, category=kind))
            for term, override in (partner.get("overrides") or {}).items():
                fixed = {"partner": partner["name"], "term": term}
                rows["TermOverrides"].append(_row(L.TERM_OVERRIDES, override, currency, **fixed))
            for fact, value in (partner.get("facts") or {}).items():
                observations = value.items() if isinstance(value, dict) else [(None, value)]
                for when, seen in observations:
                    rows["PartnerFacts"].append(
                        [partner["name"], fact, to_cell(Kind.DATE, when), to_cell(Kind.FACT, seen)]
                    )
    for fact, spec in (data.get("tier_program") or {}).get("facts", {}).items():
        rows["FactSpecs"].append(_row(L.FACT_SPECS, spec, currency, fact=fact))
    for tier in data["tiers"]:
        rows["Tiers"].append(_row(L.TIERS_TABLE, tier, currency))
        for criterion in tier["criteria"]:
            rows["TierCriteria"].append(_row(L.TIER_CRITERIA, criterion, currency, tier=tier["name"]))
        for rule in tier.get("rules") or []:
            rows["TierRules"].append([tier["name"], to_cell(Kind.RULE, rule)])
    roadmap = data["roadmap"]
    for phase in roadmap["phases"]:
        rows["Phases"].append([phase["quarter"], phase["name"]])
        for activity in phase["activities"]:
            rows["Activities"].append(_row(L.ACTIVITIES, activity, currency, phase=phase["quarter"]))
        for target in phase["targets"]:
            rows["Targets"].append(_row(L.TARGETS, target, currency, quarter=phase["quarter"]))
    if roadmap.get("scale"):
        for activity in roadmap["scale"]["activities"]:
            quarters = roadmap["scale"]["quarters"]
            rows["Activities"].append(_row(L.ACTIVITIES, activity, currency, phase=quarters))
    for name, table in (
        ("metrics", L.METRICS_TABLE),
        ("assumptions", L.ASSUMPTIONS_TABLE),
        ("sources", L.SOURCES_TABLE),
    ):
        rows[table.name] = [_row(table, item, currency) for item in data[name]]
    return rows


# --- read tables -> plan ------------------------------------------------------------------------------


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

    def row_of(self, path: FieldPath) -> tuple[TableData, int] | None:
        """The table and sheet row (0-based) holding the record at ``path``."""
        hit = self.rows.get(tuple(path))
        return (hit[0], hit[1]) if hit else None


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
                f"{header}: the formula in this cell has no computed value (the file was saved by a "
                "program that does not calculate); open and save it in Excel or LibreOffice, or type the value",
                path,
            )
            return None
        percent = table.percent_format(row, col) if table.percent_format else None
        try:
            converted = from_cell(column.kind, value, percent_format=percent, unit=unit)
        except CellRuleError as exc:
            self.problem(ref, f"{header} = {_show(value)}: expected {exc}", path)
            return None
        if converted is not None and converted != []:
            self.put(path, converted)
        return converted


def _show(value: Any) -> str:
    """A cell value as the problem quotes it: numbers as Excel shows them, texts in quotes."""
    if isinstance(value, float) and not isinstance(value, bool):
        return number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
                ref, f"Value = {_show(value)} has no Field name; fill in the field or clear the row"
            )
            continue
        path = _parse_label(str(label).strip())
        if path is None or not any(path[: len(p)] == p for p in L.KEY_VALUE_SECTIONS[table.name]):
            reader.problem(
                ref,
                f"Field = {_show(label)}: not a field of the {table.name} table",
                severity=Severity.WARNING,
            )
            continue
        if path[-1:] and isinstance(path[-1], int) and _kind_or_text(path[:-1]) is Kind.TEXTS:
            # Items of a list of texts keep their order, whatever numbers they carry.
            index = counters.get(path[:-1], 0)
            counters[path[:-1]] = index + 1
            path = (*path[:-1], index)
        column = L.Column("Value", (), _kind_or_text(path))
        reader.cell(found, column, f"Value of {label}", row_no, found.left + vi, value, path)
    _ = currency


def _kind_or_text(path: tuple[str | int, ...]) -> Kind:
    """The kind of a (Field, Value) row; text for a field the plan does not have (the model says so)."""
    try:
        return L.key_value_kind(path)[0]
    except (KeyError, AttributeError, IndexError):
        return Kind.TEXT


_LABEL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def _parse_label(label: str) -> tuple[str | int, ...] | None:
    """``philosophy.strategic_goals[2]`` -> ``("philosophy", "strategic_goals", 1)``."""
    prefix = ".".join(L.TIER_TARGETS) + "."
    if label.startswith(prefix) and len(label) > len(prefix):
        return (*L.TIER_TARGETS, label[len(prefix) :])
    out: list[str | int] = []
    for part in label.split("."):
        match = _LABEL.match(part.strip())
        if not match:
            return None
        out.append(match.group(1))
        if match.group(2):
            out.append(max(int(match.group(2)) - 1, 0))
    return tuple(out)


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
    check_formulas = bool(found.uncalculated)
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
        kept.append((row_no, row, reader.get(base), unit, keys.get("_fields"), (base, keys.get("category"))))
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
        for row_no, col in found.uncalculated:
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
        if blanks == len(values):
            continue
        filled: Sequence[int]
        if not blanks and "" not in values:
            filled = range(len(values))
        else:
            filled = [k for k, v in enumerate(values) if v is not None and v != ""]
        single = len(path) == 1
        everywhere = all(key in a for a in allowed_sets)  # a field of every row's category
        if (plain or ids) and not done and everywhere:
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
                            f"{column.header} = {_show(value)}: {column.header} is not a field of "
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
                            ref, f"{column.header} = {_show(value)}: expected {exc}", (*kept[k][5][0], *path)
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
            reader.problem(tier_ref, f"Tier = {_show(tier)}: not a tier of the Tiers table ({shown})")
            continue
        index = counts.get(tiers[name], 0)
        counts[tiers[name]] = index + 1
        path: FieldPath = ("tiers", tiers[name], "rules", index)
        reader.refs[path] = rule_ref
        try:
            converted = from_cell(Kind.RULE, rule)
        except CellRuleError as exc:
            reader.problem(rule_ref, f"Rule = {_show(rule)}: expected {exc}", path)
            continue
        if converted is not None:
            reader.put(path, converted)


def _read_partner_facts(reader: _Reader, found: TableData | None, partners: dict[str, FieldPath]) -> None:
    """The PartnerFacts table: a fact per row, with a date for dated facts (one row per observation)."""
    columns = _columns(reader, L.PARTNER_FACTS, found)
    if found is None:
        return
    at = {c.header: i for i, c in columns.items()}
    for row_no, row in _rows(found):
        partner, partner_ref = _cell_at(reader, found, row_no, row, at.get("Partner"))
        fact, fact_ref = _cell_at(reader, found, row_no, row, at.get("Fact"))
        when, when_ref = _cell_at(reader, found, row_no, row, at.get("Date"))
        value, value_ref = _cell_at(reader, found, row_no, row, at.get("Value"))
        key = str(from_cell(Kind.TEXT, partner) or "").casefold()
        if key not in partners:
            reader.problem(partner_ref, f"Partner = {_show(partner)}: not a partner of the Partners table")
            continue
        name = str(from_cell(Kind.TEXT, fact) or "")
        if not name:
            reader.problem(fact_ref, "Fact is empty: name the fact, e.g. revenue")
            continue
        path: FieldPath = (*partners[key], "facts", name)
        try:
            day = from_cell(Kind.DATE, when)
            seen = from_cell(Kind.FACT, value)
        except CellRuleError as exc:
            bad_ref = when_ref if not is_blank(when) and not isinstance(when, date) else value_ref
            reader.problem(bad_ref, f"{bad_ref.header} = {_show(bad_ref.value)}: expected {exc}", path)
            continue
        record = reader.get(partners[key])
        facts = record.setdefault("facts", {})
        if day is None:
            facts[name] = seen
            reader.refs[path] = value_ref
        else:
            series = facts.setdefault(name, {})
            if not isinstance(series, dict):
                reader.problem(
                    when_ref, f"Date = {_show(when)}: {name} has a value without a date too; keep one form"
                )
                continue
            series[day] = seen
            reader.refs.setdefault(path, value_ref)
            reader.refs[(*path, day)] = value_ref


def plan_data_from_tables(
    tables: dict[str, TableData], source: str
) -> tuple[dict[str, Any], Refs, list[Problem]]:
    """Plan data (the shape of a plan file), where each field came from, and the cells that break a rule."""
    reader = _Reader(source)
    currency = "USD"
    _read_key_value(reader, L.PLAN_INFO, tables.get("PlanInfo"), currency)
    _read_key_value(reader, L.AGREEMENT_TERMS, tables.get("AgreementTerms"), currency)
    _read_key_value(reader, L.ROADMAP_SETTINGS, tables.get("RoadmapSettings"), currency)
    _read_key_value(reader, L.TIER_PROGRAM, tables.get("TierProgram"), currency)
    data = reader.data

    partner_lists: dict[str, list[dict[str, Any]]] = {}
    categories = {k.casefold(): k for k in L.PARTNER_MODELS}
    fields = {k: set(m.model_fields) for k, m in L.PARTNER_MODELS.items()}

    def partner(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        category = str(keys.get("category") or "").strip()
        match = categories.get(category.casefold())
        cell = keys.get("category@", ref)
        if match is None:
            choices = ", ".join(L.PARTNER_MODELS)
            reader.problem(cell, f"Category = {_show(keys.get('category'))}: expected one of {choices}")
            return None
        keys["category"] = match
        keys["_fields"] = fields[match]
        kind = match.lower()
        listed = partner_lists.get(kind)
        if listed is None:  # the list is found once; a partner row only appends to it
            category_data = data.setdefault("categories", {}).setdefault(kind, {})
            listed = partner_lists[kind] = category_data.setdefault("partners", [])
        path: FieldPath = ("categories", kind, "partners", len(listed))
        listed.append({})
        return path

    _read_rows(reader, L.PARTNERS_TABLE, tables.get("Partners"), partner, frozenset({"category"}))
    partner_paths: dict[str, FieldPath] = {}
    for kind in L.PARTNER_MODELS:
        listed = _dig(data, ("categories", kind.lower(), "partners")) or []
        for i, found in enumerate(listed):
            name = str(found.get("name", "")).strip().casefold()
            partner_paths.setdefault(name, ("categories", kind.lower(), "partners", i))

    def override(row_no: int, keys: dict[str, Any], ref: FieldRef) -> FieldPath | None:
        name = str(keys.get("partner") or "").strip()
        term = str(keys.get("term") or "").strip()
        if name.casefold() not in partner_paths:
            reader.problem(
                keys.get("partner@", ref),
                f"Partner = {_show(keys.get('partner'))}: not a partner of the Partners table",
            )
            return None
        if not term:
            reader.problem(keys.get("term@", ref), "Term is empty: choose the term this row changes")
            return None
        path: FieldPath = (*partner_paths[name.casefold()], "overrides", term)
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
                f"Tier = {_show(keys.get('tier'))}: not a tier of the Tiers table ({shown})",
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
    scale = _dig(data, ("roadmap", "scale"))
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
                    f"{key.title()} = {_show(keys.get(key))}: not a quarter of the Phases table "
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
            message = f"{ref.header} = {_show(ref.value)}: {message}"
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


@dataclass
class ReadPlan:
    """A plan read from workbook tables: the plan (None when it has errors), every problem, and the
    place of each field, so results can be written back beside the rows they belong to."""

    plan: Plan | None
    problems: list[Problem]
    refs: Refs

    def data_row(self, path: FieldPath) -> int | None:
        """The 0-based data row of its table that holds the record at ``path`` (a partner, an activity)."""
        hit = self.refs.row_of(path)
        return None if hit is None else hit[1] - hit[0].top - 1


def read_plan(tables: dict[str, TableData], source: str) -> ReadPlan:
    """Validate read tables into a Plan; every problem is located on its cell (``Partners!D17``)."""
    data, refs, problems = plan_data_from_tables(tables, source)
    plan, found = validate_plan_data(data)
    # A cell that broke its column's rule is reported on that cell already; the model's "missing"
    # for the field it left empty would say it twice.
    broken = {p.path for p in problems}
    found = [p for p in found if not (p.code == "missing" and p.path in broken)]
    problems = [*problems, *locate_problems(found, refs, source)]
    return ReadPlan(None if any(p.is_error for p in problems) else plan, problems, refs)


def plan_from_tables(tables: dict[str, TableData], source: str) -> tuple[Plan | None, list[Problem]]:
    """Validate read tables into a Plan, or the problems that stop it, each on its cell."""
    read = read_plan(tables, source)
    return read.plan, read.problems
