"""Partner facts as columns: one list per fact (None where missing), dated facts as flat observations.

Columns keep evaluation fast for a hundred thousand partners: a criterion is one pass over a list.
Numbers and money are held exactly (``int`` or ``Decimal``, never a binary float), so a sum of
cents that reaches a threshold reaches it. A facts table merged into the plan's facts updates the
dates it covers and keeps the older history (``merge_facts``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from partnerkit.model.program import spells, tier_partners
from partnerkit.model.rules import FactKind, FactSpec
from partnerkit.model.values import THOUSANDS_DOT, fold_name, thousands_dot_message
from partnerkit.problems import REFERS_TO, Problem

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile


@dataclass
class DatedColumn:
    """Observations of one dated fact: partner index, day (ordinal) and value, in parallel lists."""

    partner: list[int] = field(default_factory=list)
    day: list[int] = field(default_factory=list)
    value: list[Any] = field(default_factory=list)

    def add(self, partner: int, day: date, value: Any) -> None:
        """Record one observation."""
        self.partner.append(partner)
        self.day.append(day.toordinal())
        self.value.append(value)

    def known(self, size: int) -> list[bool]:
        """Which partners have at least one observation (a fact never observed is unknown)."""
        seen = set(self.partner)
        if len(seen) == size and (not seen or (min(seen) >= 0 and max(seen) < size)):
            return [True] * size  # every partner observed (the usual case): no look-up per partner
        return [p in seen for p in range(size)]


History = tuple[tuple[date, str | None], ...]
"""A partner's tier history: (first day, tier or None) pairs, oldest first."""


@dataclass
class FactTable:
    """Facts of many partners, column by column, with each partner's current tier and tier-since date.

    ``history`` holds each partner's tier history (None where it has none, or for every partner when
    nobody has one); without one, the current tier and its start date are the whole story.
    """

    partners: list[str]
    current_tier: list[str | None]
    tier_since: list[date | None]
    values: dict[str, list[Any]] = field(default_factory=dict)
    dated: dict[str, DatedColumn] = field(default_factory=dict)
    history: list[History | None] | None = None

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
            history=None if self.history is None else [self.history[i] for i in picked],
        )

    def spells(self, row: int) -> History | None:
        """The tier history of the partner at ``row``: its own, else one spell from its tier and start."""
        own = self.history[row] if self.history is not None else None
        if own is not None:
            return own
        since = self.tier_since[row]
        if self.current_tier[row] is not None and since is not None:
            return ((since, self.current_tier[row]),)
        return None


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
    # number, money, count: held exactly, as int or Decimal
    if isinstance(value, bool):
        raise ValueError("expected a number, not yes/no")
    if isinstance(value, str):
        value = _parse_number_text(value, kind)
    if not isinstance(value, int | float | Decimal) or (
        value.is_nan() if isinstance(value, Decimal) else value != value
    ):  # NaN is not a number a CRM means
        raise ValueError("expected a number")
    if isinstance(value, float | Decimal) and not math.isfinite(value):  # '.inf'
        raise ValueError("expected a finite number")
    if abs(value) >= TOO_LARGE:  # type: ignore[operator]  # '1e999' is a typo, not revenue
        raise ValueError("expected a finite number below 10^15")
    if value < 0:
        raise ValueError("cannot be negative")
    if kind is FactKind.COUNT:
        if value != int(value):
            raise ValueError("a count must be a whole number")
        return int(value)
    return exact_number(value)


def exact_number(value: int | float | Decimal) -> int | Decimal:
    """A number as the engine holds it: an int when whole, else the Decimal of what was written."""
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return int(value)
        return Decimal(repr(value))  # 0.1 from a spreadsheet cell is 0.1, not 0.1000000000000000055
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return value


TOO_LARGE = 10**15
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

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


def _parse_number_text(text: str, kind: FactKind) -> int | Decimal:
    stripped = text.strip().replace("\u00a0", "")
    if kind in (FactKind.MONEY, FactKind.COUNT) and THOUSANDS_DOT.match(stripped):
        # A CRM export in a dot-for-thousands locale writes fifty thousand as '50.000'.
        raise ValueError(thousands_dot_message(stripped, stripped, whole_number=kind is FactKind.COUNT))
    if _PLAIN_NUMBER.match(stripped):
        return Decimal(stripped) if any(c in stripped for c in ".eE") else int(stripped)
    if kind is FactKind.MONEY:
        from partnerkit.model.rules import money_text

        return money_text(stripped)  # raises with the "write 50000" hint
    if kind is FactKind.COUNT:
        raise ValueError("expected a whole number such as 12")
    raise ValueError("expected a plain number such as 12 or 4.5")


def _is_dated_mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)


_DATE_SPEC = FactSpec(kind=FactKind.DATE)


def facts_from_plan(plan: Plan | TierProgramFile) -> tuple[FactTable, list[Problem]]:
    """The facts the plan's (or program's) partners carry, as columns, and a problem for every wrong value."""
    records = []
    paths = []
    for path, partner in tier_partners(plan):
        records.append(
            {
                "name": partner.name,
                "tier": partner.tier,
                "tier_since": partner.tier_since,
                "tier_history": spells(partner),
                "facts": partner.facts,
            }
        )
        paths.append((*path, "facts"))
    return facts_from_records(records, plan.tier_program.facts, paths)


def facts_from_records(
    records: Iterable[Mapping[str, Any]],
    specs: Mapping[str, FactSpec],
    paths: Sequence[tuple[str | int, ...]] | None = None,
) -> tuple[FactTable, list[Problem]]:
    """Fact columns from records ``{name, tier, tier_since, tier_history, facts: {fact: value or {date: value}}}``.

    ``tier_history`` is a list of ``(first day, tier)`` pairs or ``{tier, from}`` mappings, oldest first.
    """
    table = FactTable(partners=[], current_tier=[], tier_since=[])
    histories: list[History | None] = []
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
        history = _history(record.get("tier_history"))
        histories.append(history)
        if history is not None and record.get("tier") is None:
            table.current_tier[-1] = history[-1][1]
            table.tier_since[-1] = _run_start(history)
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
                        table.dated[name].add(row, parsed_day, parsed)
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
    if any(h is not None for h in histories):
        table.history = histories
    return table, problems


def _history(raw: Any) -> History | None:
    if not raw:
        return None
    out = []
    for entry in raw:
        if isinstance(entry, Mapping):
            day, tier = entry.get("from", entry.get("from_")), entry.get("tier")
        elif hasattr(entry, "from_"):
            day, tier = entry.from_, entry.tier
        else:
            day, tier = entry
        out.append((normalize(day, _DATE_SPEC), tier))
    return tuple(out)


def _run_start(history: History) -> date | None:
    """When the tier of a history's last entry began (an unchanged tier written twice keeps its first day)."""
    last = history[-1][1]
    if last is None:
        return None
    start = history[-1][0]
    for day, tier in reversed(history[:-1]):
        if tier != last:
            break
        start = day
    return start


@dataclass(frozen=True)
class PartnerMerge:
    """What a facts table changed for one partner: dated observations updated, added, dropped, kept.

    Dates are counted over the dated facts the table has for the partner: ``updated`` were in the
    plan and the table (the table's values replace them), ``added`` only in the table, ``dropped``
    in the plan inside the dates the table covers but not in it, ``kept`` in the plan outside them. ``unit`` names the dates when they are all quarter or month
    ends; ``facts`` are the undated facts (and tier, tier_since) the table changed.
    """

    partner: str
    new: bool = False
    updated: int = 0
    added: int = 0
    dropped: int = 0
    kept: int = 0
    unit: str = "date"
    facts: tuple[str, ...] = ()

    def text(self) -> str:
        """``Keystone IT Partners: 1 quarter updated, 3 kept``."""
        parts: list[str] = []
        for count, verb in (
            (self.updated, "updated"),
            (self.added, "added"),
            (self.dropped, "dropped"),
            (self.kept, "kept"),
        ):
            if count:
                noun = "" if parts else f" {self.unit}{'s' if count != 1 else ''}"
                parts.append(f"{count}{noun} {verb}")
        said = ", ".join(parts)
        if self.facts:
            said += ("; " if said else "") + f"{', '.join(self.facts)} updated"
        if self.new:
            said = "new partner" + (f"; {said}" if said else "")
        return f"{self.partner}: {said or 'no change'}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (docs/tiers.md, "Facts tables")."""
        return {
            "partner": self.partner,
            "new": self.new,
            "updated": self.updated,
            "added": self.added,
            "dropped": self.dropped,
            "kept": self.kept,
            "unit": self.unit,
            "facts": list(self.facts),
        }


def merge_facts(base: FactTable, update: FactTable, *, replace: bool = False) -> FactTable:
    """``base`` refreshed by ``update`` (see ``merged_facts``)."""
    return merged_facts(base, update, replace=replace)[0]


def merged_facts(
    base: FactTable, update: FactTable, *, replace: bool = False
) -> tuple[FactTable, list[PartnerMerge]]:
    """``base`` refreshed by ``update``, and what changed for each partner of ``update``.

    Undated values of ``update`` win where present. A dated fact is updated, not erased: the table
    covers the dates from its earliest to its latest observation of that fact, and for each partner
    it has observations of, the plan's observations inside those dates give way to the table's;
    older and later ones are kept. With ``replace`` the table's observations replace the partner's
    whole series of that fact (the behaviour before). Partners only in ``update`` are added; names
    match exactly, then without case or surrounding space when that is unambiguous. Merging the same
    table twice gives what merging it once gives.
    """
    index = base.index()
    # A CRM export may spell 'Orbit CRM' as 'orbit crm'; match folded names when that is unambiguous.
    folded: dict[str, int | None] = {}
    for known, known_row in index.items():
        key = fold_name(known)
        folded[key] = None if key in folded else known_row
    partners = list(base.partners)
    current = list(base.current_tier)
    since = list(base.tier_since)
    history: list[History | None] = list(base.history) if base.history is not None else [None] * len(base)
    changed: dict[int, list[str]] = {}
    rows: list[int] = []
    new_rows: set[int] = set()
    for i, name in enumerate(update.partners):
        row = index.get(name)
        if row is None:
            row = folded.get(fold_name(name))
        if row is None:
            row = len(partners)
            index[name] = row
            folded[fold_name(name)] = row
            partners.append(name)
            current.append(update.current_tier[i])
            since.append(update.tier_since[i])
            history.append(update.history[i] if update.history is not None else None)
            new_rows.add(row)
        elif row not in new_rows:
            said = _merge_tier(update, i, row, current, since, history)
            if said:
                changed.setdefault(row, []).extend(f for f in said if f not in changed.get(row, []))
        rows.append(row)
    size = len(partners)
    values: dict[str, list[Any]] = {}
    for name in {*base.values, *update.values}:
        col = list(base.values.get(name, [None] * len(base.partners))) + [None] * (size - len(base.partners))
        for i, value in enumerate(update.values.get(name, ())):
            if value is not None:
                row = rows[i]
                if col[row] != value and row not in new_rows:
                    facts = changed.setdefault(row, [])
                    if name not in facts:
                        facts.append(name)
                col[row] = value
        values[name] = col
    base_dates: dict[int, set[int]] = {}
    removed: dict[int, set[int]] = {}
    exported: dict[int, set[int]] = {}
    dated: dict[str, DatedColumn] = {}
    for name in {*base.dated, *update.dated}:
        fresh = update.dated.get(name, DatedColumn())
        old = base.dated.get(name, DatedColumn())
        targets = {rows[p] for p in fresh.partner}
        lo, hi = (min(fresh.day), max(fresh.day)) if fresh.day else (0, -1)
        out = DatedColumn()
        for p, d, v in zip(old.partner, old.day, old.value, strict=True):
            if p in targets:  # what the report counts: the series the table has for this partner
                base_dates.setdefault(p, set()).add(d)
            if p in targets and (replace or lo <= d <= hi):
                removed.setdefault(p, set()).add(d)
                continue
            out.partner.append(p)
            out.day.append(d)
            out.value.append(v)
        for p, d, v in zip(fresh.partner, fresh.day, fresh.value, strict=True):
            row = rows[p]
            exported.setdefault(row, set()).add(d)
            out.partner.append(row)
            out.day.append(d)
            out.value.append(v)
        dated[name] = out
    report: list[PartnerMerge] = []
    seen: set[int] = set()
    for row in rows:
        if row in seen:
            continue
        seen.add(row)
        gone = removed.get(row, set())
        mine = exported.get(row, set())
        before = base_dates.get(row, set())
        report.append(
            PartnerMerge(
                partners[row],
                new=row in new_rows,
                updated=len(mine & gone),
                added=len(mine - gone),
                dropped=len(gone - mine),
                kept=len(before - gone - mine),
                unit=_date_unit(before | mine),
                facts=tuple(changed.get(row, ())),
            )
        )
    kept_history = history if any(h is not None for h in history) else None
    return FactTable(partners, current, since, values, dated, kept_history), report


def _merge_tier(
    update: FactTable,
    i: int,
    row: int,
    current: list[str | None],
    since: list[date | None],
    history: list[History | None],
) -> list[str]:
    """Apply the table's tier, tier start or tier history to one partner; the fields it changed."""
    own = update.history[i] if update.history is not None else None
    tier, start = update.current_tier[i], update.tier_since[i]
    before = (current[row], since[row], history[row])
    if own is not None:
        history[row], current[row], since[row] = own, own[-1][1], _run_start(own)
    elif start is not None:
        # the table's tier and its start are one dated entry of the history: it takes the place of
        # an entry on the same day, and later entries (an approval after the export) stay
        new_tier = tier if tier is not None else current[row]
        known = history[row]
        if known is None and current[row] is not None and since[row] is not None:
            known = ((since[row], current[row]),)  # type: ignore[assignment]
        spells = (*(s for s in (known or ()) if s[0] != start), (start, new_tier))
        merged = tuple(sorted(spells, key=lambda spell: spell[0]))
        history[row] = merged
        current[row], since[row] = merged[-1][1], _run_start(merged)
    elif tier is not None and tier != current[row]:
        # a new tier without its start: when it began is unknown
        current[row], since[row], history[row] = tier, None, None
    said = []
    if current[row] != before[0]:
        said.append("tier")
    if since[row] != before[1]:
        said.append("tier_since")
    return said


def _date_unit(days: set[int]) -> str:
    """How a set of dates is counted in words: quarters or months when they all end one, else dates."""
    if not days:
        return "date"
    ends = [date.fromordinal(d + 1).day == 1 for d in days]
    if not all(ends):
        return "date"
    if all(date.fromordinal(d).month in (3, 6, 9, 12) for d in days):
        return "quarter"
    return "month"
