"""Partner facts as columns: one list per fact (None where missing), dated facts as flat observations.

Columns keep evaluation fast for a hundred thousand partners: a criterion is one pass over a list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.model.rules import FactKind, FactSpec
from partnerkit.model.values import THOUSANDS_DOT, thousands_dot_message
from partnerkit.problems import REFERS_TO, Problem

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan


@dataclass
class DatedColumn:
    """Observations of one dated fact: partner index, day (ordinal) and value, in parallel lists."""

    partner: list[int] = field(default_factory=list)
    day: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, partner: int, day: date, value: float) -> None:
        """Record one observation."""
        self.partner.append(partner)
        self.day.append(day.toordinal())
        self.value.append(value)

    def known(self, size: int) -> list[bool]:
        """Which partners have at least one observation (a fact never observed is unknown)."""
        out = [False] * size
        for p in self.partner:
            out[p] = True
        return out


@dataclass
class FactTable:
    """Facts of many partners, column by column, with each partner's current tier and tier-since date."""

    partners: list[str]
    current_tier: list[str | None]
    tier_since: list[date | None]
    values: dict[str, list[Any]] = field(default_factory=dict)
    dated: dict[str, DatedColumn] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.partners)

    def index(self) -> dict[str, int]:
        """Partner name -> row."""
        return {name: i for i, name in enumerate(self.partners)}

    def column(self, fact: str) -> list[Any]:
        """The values of a scalar fact (all None when nobody has it)."""
        col = self.values.get(fact)
        return col if col is not None else [None] * len(self.partners)

    def subset(self, rows: Iterable[int]) -> FactTable:
        """The partners at ``rows``, in that order (dated observations follow them)."""
        picked = list(rows)
        new_index = {old: new for new, old in enumerate(picked)}
        dated: dict[str, DatedColumn] = {}
        for name, col in self.dated.items():
            out = DatedColumn()
            for p, d, v in zip(col.partner, col.day, col.value, strict=True):
                if p in new_index:
                    out.partner.append(new_index[p])
                    out.day.append(d)
                    out.value.append(v)
            dated[name] = out
        return FactTable(
            partners=[self.partners[i] for i in picked],
            current_tier=[self.current_tier[i] for i in picked],
            tier_since=[self.tier_since[i] for i in picked],
            values={k: [v[i] for i in picked] for k, v in self.values.items()},
            dated=dated,
        )


def normalize(value: Any, spec: FactSpec) -> Any:
    """A fact value in its kind's canonical Python type; ValueError with the rule broken otherwise."""
    kind = spec.kind
    if value is None:
        return None
    if kind is FactKind.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _BOOL_WORDS:
            return _BOOL_WORDS[value.strip().lower()]
        raise ValueError("expected yes/no (true/false, yes/no, 1/0)")
    if kind is FactKind.DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        if isinstance(value, int | float) and not isinstance(value, bool):
            # a serial number in a General cell could be a date or a count: refuse to guess
            raise ValueError("a number where a date belongs; format the cell as a date or write YYYY-MM-DD")
        raise ValueError("expected a date written YYYY-MM-DD")
    if kind is FactKind.TEXT:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a workbook's number cell 42 arrives as 42.0
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value).strip()
        raise ValueError("expected text")
    # number, money, count
    if isinstance(value, bool):
        raise ValueError("expected a number, not yes/no")
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        value = _parse_number_text(value, kind)
    if not isinstance(value, int | float) or value != value:  # NaN is not a number a CRM means
        raise ValueError("expected a number")
    if value in (math.inf, -math.inf):  # '1e999' or '.inf': no CRM means that either
        raise ValueError("expected a finite number")
    if value < 0:
        raise ValueError("cannot be negative")
    if kind is FactKind.COUNT:
        if value != int(value):
            raise ValueError("a count must be a whole number")
        return int(value)
    return value


_BOOL_WORDS = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
}


def _parse_number_text(text: str, kind: FactKind) -> float:
    stripped = text.strip().replace("\u00a0", "")
    if kind in (FactKind.MONEY, FactKind.COUNT) and THOUSANDS_DOT.match(stripped):
        # A CRM export in a dot-for-thousands locale writes fifty thousand as '50.000'.
        raise ValueError(thousands_dot_message(stripped, stripped, whole_number=kind is FactKind.COUNT))
    try:
        return float(stripped) if "." in stripped or "e" in stripped.lower() else int(stripped)
    except ValueError:
        pass
    if kind is FactKind.MONEY:
        from partnerkit.model.rules import money_text

        return money_text(stripped)  # raises with the "write 50000" hint
    if kind is FactKind.COUNT:
        raise ValueError("expected a whole number such as 12")
    raise ValueError("expected a plain number such as 12 or 4.5")


def _is_dated_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


_DATE_SPEC = FactSpec(kind=FactKind.DATE)


def facts_from_plan(plan: Plan) -> tuple[FactTable, list[Problem]]:
    """The facts the plan's partners carry, as columns, and a problem for every value that is wrong."""
    applies = set(plan.tier_program.applies_to)
    records = []
    paths = []
    last, applied, key = None, False, ""
    for kind, index, partner in plan.categories.all_partners():
        if kind is not last:  # an enum's value is a slow property: read it once per category
            last, applied, key = kind, kind.value in applies, kind.value.lower()
        if applied:
            records.append(
                {
                    "name": partner.name,
                    "tier": partner.tier,
                    "tier_since": partner.tier_since,
                    "facts": partner.facts,
                }
            )
            paths.append(("categories", key, "partners", index, "facts"))
    return facts_from_records(records, plan.tier_program.facts, paths)


def facts_from_records(
    records: Iterable[Mapping[str, Any]],
    specs: Mapping[str, FactSpec],
    paths: Sequence[tuple[str | int, ...]] | None = None,
) -> tuple[FactTable, list[Problem]]:
    """Fact columns from records ``{name, tier, tier_since, facts: {fact: value or {date: value}}}``."""
    table = FactTable(partners=[], current_tier=[], tier_since=[])
    for name, spec in specs.items():
        if spec.dated:
            table.dated[name] = DatedColumn()
        else:
            table.values[name] = []
    problems: list[Problem] = []
    scalar_columns = list(table.values.values())
    for row, record in enumerate(records):
        table.partners.append(str(record["name"]))
        table.current_tier.append(record.get("tier"))
        since = record.get("tier_since")
        table.tier_since.append(normalize(since, _DATE_SPEC) if since is not None else None)
        facts: Mapping[str, Any] = record.get("facts") or {}
        if not facts:
            # A partner without facts (most of a large program): every scalar fact is unknown.
            for column in scalar_columns:
                column.append(None)
            continue
        base: tuple[str | int, ...] = paths[row] if paths is not None else ("partners", row, "facts")
        for name, spec in specs.items():
            raw = facts.get(name)
            if spec.dated:
                if raw is None:
                    continue
                if not _is_dated_mapping(raw):
                    problems.append(
                        Problem(
                            f"fact {name!r} is dated: write observations as 'YYYY-MM-DD: value'",
                            (*base, name),
                            code="fact-value",
                            extra={REFERS_TO: (("fact", name),)},
                        )
                    )
                    continue
                for day, observed in raw.items():
                    try:
                        parsed_day = normalize(day, _DATE_SPEC)
                        parsed = normalize(observed, spec)
                    except ValueError as exc:
                        problems.append(
                            Problem(
                                f"{day}: {observed!r}: {exc}",
                                (*base, name),
                                code="fact-value",
                                extra={REFERS_TO: (("fact", name),)},
                            )
                        )
                        continue
                    if parsed is not None:
                        table.dated[name].add(row, parsed_day, float(parsed))
            else:
                try:
                    if _is_dated_mapping(raw):
                        raise ValueError("is not a dated fact; give one value")
                    value = normalize(raw, spec)
                except ValueError as exc:
                    problems.append(
                        Problem(
                            f"{raw!r}: {exc}",
                            (*base, name),
                            code="fact-value",
                            extra={REFERS_TO: (("fact", name),)},
                        )
                    )
                    value = None
                table.values[name].append(value)
    return table, problems


def merge_facts(base: FactTable, update: FactTable) -> FactTable:
    """``base`` refreshed by ``update``: its values win where present; partners only in it are added."""
    index = base.index()
    # A CRM export may spell 'Orbit CRM' as 'orbit crm'; match without case when that is unambiguous.
    folded: dict[str, int | None] = {}
    for known, known_row in index.items():
        key = known.casefold()
        folded[key] = None if key in folded else known_row
    partners = list(base.partners)
    current = list(base.current_tier)
    since = list(base.tier_since)
    rows = []
    for i, name in enumerate(update.partners):
        row = index.get(name)
        if row is None:
            row = folded.get(name.casefold())
        if row is None:
            row = len(partners)
            index[name] = row
            partners.append(name)
            current.append(update.current_tier[i])
            since.append(update.tier_since[i])
        else:
            if update.current_tier[i] is not None:
                current[row] = update.current_tier[i]
            if update.tier_since[i] is not None:
                since[row] = update.tier_since[i]
        rows.append(row)
    size = len(partners)
    values: dict[str, list[Any]] = {}
    for name in {*base.values, *update.values}:
        col = list(base.values.get(name, [None] * len(base.partners))) + [None] * (size - len(base.partners))
        for i, value in enumerate(update.values.get(name, ())):
            if value is not None:
                col[rows[i]] = value
        values[name] = col
    dated: dict[str, DatedColumn] = {}
    for name in {*base.dated, *update.dated}:
        fresh = update.dated.get(name, DatedColumn())
        replaced = {rows[p] for p in fresh.partner}
        out = DatedColumn()
        old = base.dated.get(name, DatedColumn())
        for p, d, v in zip(old.partner, old.day, old.value, strict=True):
            if p not in replaced:
                out.partner.append(p)
                out.day.append(d)
                out.value.append(v)
        for p, d, v in zip(fresh.partner, fresh.day, fresh.value, strict=True):
            out.partner.append(rows[p])
            out.day.append(d)
            out.value.append(v)
        dated[name] = out
    return FactTable(partners, current, since, values, dated)
