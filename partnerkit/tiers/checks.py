"""Checks of the tier rules and partner facts: unknown facts, operators that do not fit a fact, unreachable tiers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from partnerkit.model.program import tier_partners
from partnerkit.model.rules import (
    AllOf,
    AnyOf,
    AtLeastOf,
    Compare,
    Consistency,
    FactKind,
    Points,
    PointsMetric,
    QualifiedWithin,
    Rule,
    TimeAtTier,
    TimeInTier,
    Tracks,
    ValidUntil,
)
from partnerkit.model.values import did_you_mean
from partnerkit.problems import REFERS_TO, FieldPath, Problem, Severity

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile

    TierSource = Plan | TierProgramFile

_NUMERIC = (FactKind.NUMBER, FactKind.MONEY, FactKind.COUNT)


def rules_with_paths(rules: list[Rule], base: FieldPath) -> Iterator[tuple[Any, FieldPath]]:
    """Every rule and points metric below ``rules`` with its field path."""
    for i, rule in enumerate(rules):
        path = (*base, i)
        yield rule, path
        if isinstance(rule, AllOf):
            yield from rules_with_paths(rule.all_of, (*path, "all_of"))
        elif isinstance(rule, AnyOf):
            yield from rules_with_paths(rule.any_of, (*path, "any_of"))
        elif isinstance(rule, AtLeastOf):
            yield from rules_with_paths(rule.of, (*path, "of"))
        elif isinstance(rule, Tracks):
            for t, track in enumerate(rule.tracks):
                yield from rules_with_paths(track.rules, (*path, "tracks", t, "rules"))
        elif isinstance(rule, Points):
            for m, metric in enumerate(rule.metrics):
                yield metric, (*path, "metrics", m)
        elif isinstance(rule, QualifiedWithin):
            inner = (*path, "qualified_within", "rule")
            for nested, nested_path in rules_with_paths([rule.qualified_within.rule], inner):
                yield nested, inner + nested_path[len(inner) + 1 :]


def check_rule_facts(plan: TierSource) -> list[Problem]:
    """Every fact a rule reads is declared under ``tier_program.facts`` and fits the rule."""
    specs = plan.tier_program.facts
    found: list[Problem] = []
    for t, tier in enumerate(plan.tiers):
        for rule, path in rules_with_paths(tier.rules, ("tiers", t, "rules")):
            key = "valid_until" if isinstance(rule, ValidUntil) else "fact"
            fact = getattr(rule, key, None)
            if not isinstance(fact, str):
                continue
            spec = specs.get(fact)
            if spec is None:
                guess = did_you_mean(fact, specs)
                hint = f"did you mean {guess!r}?" if guess else "declare it under tier_program.facts"
                found.append(
                    Problem(
                        f"unknown fact {fact!r}",
                        (*path, key),
                        hint=hint,
                        code="unknown_fact",
                        extra={REFERS_TO: (("fact", fact),)},
                    )
                )
                continue
            found += _fits(rule, spec, fact, (*path, key))
            if isinstance(rule, PointsMetric) and rule.points < 0:
                found.append(Problem("points cannot be negative", (*path, "points"), code="negative_points"))
    return found


def _fits(rule: Any, spec: Any, fact: str, path: FieldPath) -> list[Problem]:
    kind = spec.kind

    def bad(message: str) -> list[Problem]:
        return [Problem(message, path, code="rule_fact_kind", extra={REFERS_TO: (("fact", fact),)})]

    if isinstance(rule, ValidUntil):
        return (
            [] if kind is FactKind.DATE else bad(f"valid_until needs a date fact; {fact!r} is {kind.value}")
        )
    windowed = isinstance(rule, Consistency) or getattr(rule, "over_last", None) is not None
    windowed = windowed or getattr(rule, "on_any_day_within", None) is not None
    if windowed and not spec.dated:
        return bad(
            f"{fact!r} is not dated, so it has no values over time; mark it 'dated: true' or drop the window"
        )
    if isinstance(rule, Consistency | PointsMetric) and kind not in (*_NUMERIC, FactKind.BOOLEAN):
        return bad(f"{fact!r} is {kind.value}; this rule needs numbers")
    if isinstance(rule, Compare):
        op = rule.operator
        counting = rule.over_last is not None and rule.aggregate == "count"
        numeric = kind in _NUMERIC or counting or (kind is FactKind.BOOLEAN and spec.dated)
        if op in ("at_least", "more_than", "at_most", "less_than", "between") and not numeric:
            return bad(f"{op} compares numbers; {fact!r} is {kind.value}")
        if op == "is" and kind is not FactKind.BOOLEAN:
            return bad(f"'is: true/false' is for yes/no facts; {fact!r} is {kind.value}")
        if op in ("equals", "one_of") and kind is FactKind.BOOLEAN:
            return bad(f"{fact!r} is yes/no; write 'is: true' or 'is: false'")
    return []


def check_partner_facts(plan: TierSource) -> list[Problem]:
    """Partners carry only declared facts, each with a value of the fact's kind."""
    from partnerkit.tiers.facts import facts_from_records

    specs = plan.tier_program.facts
    found: list[Problem] = []
    for partner_at, partner in tier_partners(plan, applied_only=False, holding="facts"):
        for name in partner.facts:
            if name not in specs:
                guess = did_you_mean(name, specs)
                hint = f"did you mean {guess!r}?" if guess else "declare it under tier_program.facts"
                path = (*partner_at, "facts", name)
                found.append(
                    Problem(
                        f"unknown fact {name!r}",
                        path,
                        hint=hint,
                        code="unknown_fact",
                        extra={REFERS_TO: (("fact", name),)},
                    )
                )
    # Only a partner that carries facts can hold a wrong value: the fact table of a program whose
    # partners mostly have none is not built just to check it.
    records, paths = [], []
    for partner_at, partner in tier_partners(plan, holding="facts"):
        records.append({"name": partner.name, "facts": partner.facts})
        paths.append((*partner_at, "facts"))
    _, problems = facts_from_records(records, specs, paths)
    return found + problems


def _implies(strict: Any, loose: Any) -> bool:
    """True when meeting rule ``strict`` always meets rule ``loose`` (a safe, partial test)."""
    if strict == loose:
        return True
    if not (isinstance(strict, Compare) and isinstance(loose, Compare)):
        return False
    same = (strict.fact, str(strict.over_last), strict.aggregate, str(strict.on_any_day_within)) == (
        loose.fact,
        str(loose.over_last),
        loose.aggregate,
        str(loose.on_any_day_within),
    )
    if not same or strict.on_any_day_within is not None:
        return False
    lo_s = strict.at_least if strict.at_least is not None else strict.more_than
    lo_l = loose.at_least if loose.at_least is not None else loose.more_than
    if lo_s is None or lo_l is None or strict.operator not in ("at_least", "more_than"):
        return False
    if loose.operator == "at_least":
        return lo_s >= lo_l
    return lo_s > lo_l or (lo_s == lo_l and strict.operator == "more_than")


def check_tier_reachable(plan: TierSource) -> list[Problem]:
    """Warn when a tier can never be the verdict: every partner meeting it also meets a higher tier."""
    index = {id(t): i for i, t in enumerate(plan.tiers)}
    ordered = plan.tiers_by_level()
    found = []
    for low_i, low in enumerate(ordered):
        if not low.rules and low_i == 0:
            continue
        for high in ordered[:low_i]:
            if high.level == low.level or not high.rules:
                continue
            if all(any(_implies(mine, theirs) for mine in low.rules) for theirs in high.rules):
                found.append(
                    Problem(
                        f"tier {low.name!r} (level {low.level}) is unreachable: every partner that meets "
                        f"its rules also meets the higher tier {high.name!r} (level {high.level})",
                        ("tiers", index[id(low)], "rules"),
                        severity=Severity.WARNING,
                        hint="raise the higher tier's thresholds or swap the levels",
                        code="unreachable_tier",
                        extra={REFERS_TO: (("tier", high.name),)},
                    )
                )
                break
    return found


def check_time_in_tier(plan: TierSource) -> list[Problem]:
    """Warn about a time-in-tier gate on the lowest tier: a partner without a tier can never pass it."""
    ordered = plan.tiers_by_level()
    if not ordered:
        return []
    lowest = ordered[-1]
    index = {id(t): i for i, t in enumerate(plan.tiers)}
    return [
        Problem(
            f"months_in_tier on the entry tier {lowest.name!r} can never be met by a partner without a tier",
            path,
            severity=Severity.WARNING,
            code="time_in_tier",
        )
        for rule, path in rules_with_paths(lowest.rules, ("tiers", index[id(lowest)], "rules"))
        if isinstance(rule, TimeInTier)
    ]


def check_tier_names_in_rules(plan: TierSource) -> list[Problem]:
    """A ``months_at_tier`` gate names a tier of the plan."""
    names = [t.name for t in plan.tiers]
    found = []
    for t, tier in enumerate(plan.tiers):
        for rule, path in rules_with_paths(tier.rules, ("tiers", t, "rules")):
            if isinstance(rule, TimeAtTier) and rule.months_at_tier.tier not in names:
                found.append(
                    _unknown_tier(rule.months_at_tier.tier, names, (*path, "months_at_tier", "tier"))
                )
    return found


def check_tier_history(plan: TierSource) -> list[Problem]:
    """Every tier a partner's tier history names is a tier of the plan (a program's current tiers too)."""
    from partnerkit.model.program import TierProgramFile

    names = [t.name for t in plan.tiers]
    found = []
    program = isinstance(plan, TierProgramFile)
    # In a plan, only a partner with a history can name a wrong tier here (check_tier_references
    # checks the others); a program's partners name their current tier beside it.
    holding = None if program else "tier_history"
    for partner_at, partner in tier_partners(plan, applied_only=False, holding=holding):
        history = partner.tier_history
        if program and not history and partner.tier is not None and partner.tier not in names:
            found.append(_unknown_tier(partner.tier, names, (*partner_at, "tier")))
        for h, spell in enumerate(history):
            if spell.tier is not None and spell.tier not in names:
                found.append(_unknown_tier(spell.tier, names, (*partner_at, "tier_history", h, "tier")))
    return found


def _unknown_tier(name: str, names: list[str], path: FieldPath) -> Problem:
    guess = did_you_mean(name, names)
    hint = f"did you mean {guess!r}?" if guess else (f"tiers: {', '.join(names)}" if names else None)
    return Problem(
        f"{name!r} is not a tier of the plan",
        path,
        hint=hint,
        code="unknown_tier",
        extra={REFERS_TO: (("tier", name),)},
    )


def check_tier_has_rules(plan: TierSource) -> list[Problem]:
    """Warn about a tier above the lowest with no rules: every partner earns it, whatever its facts."""
    ordered = plan.tiers_by_level()
    index = {id(t): i for i, t in enumerate(plan.tiers)}
    return [
        Problem(
            f"tier {tier.name!r} has no rules, so every partner earns it and no tier below it is "
            "ever the verdict (its revenue_potential and criteria are wording for the strategy only)",
            ("tiers", index[id(tier)], "rules"),
            severity=Severity.WARNING,
            hint="write its rules as docs/tiers.md shows, e.g. "
            "{fact: revenue, over_last: 12 months, at_least: 250000}",
            code="tier_without_rules",
        )
        for tier in ordered[:-1]
        if not tier.rules
    ]


TIER_CHECKS = [
    check_rule_facts,
    check_partner_facts,
    check_tier_reachable,
    check_time_in_tier,
    check_tier_has_rules,
    check_tier_names_in_rules,
    check_tier_history,
]
