"""Cross-checks of a whole plan: a plain list of functions ``check(plan) -> list[Problem]``.

Adding a check is writing a function and appending it to ``CHECKS`` (the way beancount lists its
validations). Checks know values, not places: they give field paths, and the adapter that read the
file turns those into ``plan.yaml:LINE:COL`` or ``Partners!D17``.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from partnerkit.deals.lint import check_deal_terms
from partnerkit.model import MetricUnit, Plan
from partnerkit.model.partners import partner_path
from partnerkit.model.values import did_you_mean, fold_names, format_percent
from partnerkit.problems import REFERS_TO, FieldPath, Problem, Severity
from partnerkit.roadmap.scheduler import check_roadmap
from partnerkit.tiers.checks import TIER_CHECKS

Check = Callable[[Plan], list[Problem]]


def check_unique_partner_names(plan: Plan) -> list[Problem]:
    """Every partner name appears once across the three categories (compared as ``fold_name`` does)."""
    lists = plan.categories.partner_lists()
    keys = fold_names([partner.name for _, partners in lists for partner in partners])
    if len(set(keys)) == len(keys):  # the common case: no name twice, told by one set
        return []
    folded = iter(keys)
    seen: dict[str, tuple[Any, int, str]] = {}  # folded name -> (category, index, name as written)
    found = []
    for kind, partners in lists:
        for index, partner in enumerate(partners):
            key = next(folded)
            if key not in seen:
                seen[key] = (kind, index, partner.name)
                continue
            path = (*partner_path(kind.value, index), "name")
            first_kind, first_index, first_name = seen[key]
            first = ".".join(str(p) for p in partner_path(first_kind.value, first_index)[1:2])
            # Both rows named: the first by its category, place and spelling (which may differ).
            found.append(
                Problem(
                    f"partner {partner.name!r} is listed twice (also under {first}, partner "
                    f"{first_index + 1} of that list, as {first_name!r})",
                    path,
                    code="duplicate_partner",
                )
            )
    return found


def check_tiers_unique(plan: Plan) -> list[Problem]:
    """Tier names and levels are unique."""
    found = []
    names: set[str] = set()
    levels: dict[int, str] = {}
    for i, tier in enumerate(plan.tiers):
        if tier.name.casefold() in names:
            found.append(
                Problem(f"tier {tier.name!r} is defined twice", ("tiers", i, "name"), code="duplicate_tier")
            )
        names.add(tier.name.casefold())
        if tier.level in levels:
            found.append(
                Problem(
                    f"level {tier.level} is also the level of tier {levels[tier.level]!r}; give each tier its own level",
                    ("tiers", i, "level"),
                    code="duplicate_level",
                )
            )
        levels.setdefault(tier.level, tier.name)
    return found


def _tier_reference(tiers: list[str], name: str, path: FieldPath, what: str) -> list[Problem]:
    if name in tiers:
        return []
    guess = did_you_mean(name, tiers)
    hint = (
        f"did you mean {guess!r}?"
        if guess
        else (f"tiers: {', '.join(tiers)}" if tiers else "the plan defines no tiers")
    )
    return [
        Problem(
            f"{what} {name!r} is not a tier of the plan",
            path,
            hint=hint,
            code="unknown_tier",
            extra={REFERS_TO: (("tier", name),)},
        )
    ]


def check_tier_references(plan: Plan) -> list[Problem]:
    """Every tier a partner or a target names is defined in ``tiers``."""
    found = []
    tiers = [t.name for t in plan.tiers]
    known = set(tiers)
    for kind, partners in plan.categories.partner_lists():
        for index, partner in enumerate(partners):
            # a tier with a history is checked entry by entry (tiers.checks.check_tier_history)
            if partner.tier is not None and partner.tier not in known and not partner.tier_history:
                path = (*partner_path(kind.value, index), "tier")
                found += _tier_reference(tiers, partner.tier, path, "tier")
    if plan.roadmap.scale is not None:
        for name in plan.roadmap.scale.tier_targets:
            found += _tier_reference(tiers, name, ("roadmap", "scale", "tier_targets", name), "target tier")
    return found


def check_tier_thresholds_ordered(plan: Plan) -> list[Problem]:
    """A higher tier never asks for less revenue potential than a lower one."""
    found = []
    index = {id(t): i for i, t in enumerate(plan.tiers)}
    previous = None
    for tier in plan.tiers_by_level():
        rp = tier.revenue_potential
        if rp is None or rp.min is None:
            continue
        if previous is not None and previous[1] <= rp.min.amount:
            found.append(
                Problem(
                    f"tier {tier.name!r} (level {tier.level}) asks for at least {rp.min} a year, "
                    f"not less than the higher tier {previous[0]!r} ({previous[2]})",
                    ("tiers", index[id(tier)], "revenue_potential", "min"),
                    code="tier_order",
                    extra={REFERS_TO: (("tier", previous[0]),)},
                )
            )
        previous = (tier.name, rp.min.amount, str(rp.min))
    return found


def _cited_lists(data: Any, path: FieldPath = ()) -> list[tuple[FieldPath, list[Any]]]:
    """Every ``sources`` list below the top level of plan data, with its path, in document order."""
    found: list[tuple[FieldPath, list[Any]]] = []
    _collect_cited(data, path, found)
    return found


def _collect_cited(data: Any, path: FieldPath, found: list[tuple[FieldPath, list[Any]]]) -> None:
    # Plain recursion into containers only: a plan of 100,000 partners holds millions of scalars,
    # and a call (or a generator level) per scalar cost seconds.
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and path and isinstance(value, list | str):
                found.append(((*path, key), value if isinstance(value, list) else [value]))
            elif isinstance(value, dict | list):
                _collect_cited(value, (*path, key), found)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict | list):
                _collect_cited(item, (*path, i), found)
            elif isinstance(item, BaseModel):  # an entry validated already (validate_partner_blocks)
                _model_cited(item, (*path, i), found)


def _holds_models(annotation: Any) -> bool:
    """True when a field of this type can hold a model (directly, in a list or a mapping, in a union)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(arg) for arg in typing.get_args(annotation))


_CITING_FIELDS: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def _citing_fields(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """The fields of ``model`` a walk for citations visits: (attribute, key as in the file, is it a
    ``sources`` list); fields of plain values are never visited."""
    known = _CITING_FIELDS.get(model)
    if known is not None:
        return known
    out = []
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        key = info.serialization_alias or info.alias or name
        if key == "sources" or _holds_models(info.annotation):
            out.append((name, key, key == "sources"))
    _CITING_FIELDS[model] = tuple(out)
    return _CITING_FIELDS[model]


def _model_cited(
    node: Any,
    path: FieldPath,
    found: list[tuple[FieldPath, list[Any]]],
    unknown_to: set[str] | frozenset[str] | None = None,
) -> None:
    """Every ``sources`` list under ``node`` with its path (only those citing an id not in
    ``unknown_to``, when it is given), in the order of the plan's fields."""
    # One walk over the models, visiting only the fields that can hold a citation: a plan of 100,000
    # partners is serialised in seconds, but walked this way in a fraction of one.
    for name, key, cites in _citing_fields(type(node)):
        value = getattr(node, name)
        if cites and path and isinstance(value, list | tuple | str):
            listed = list(value) if not isinstance(value, str) else [value]
            if unknown_to is None or not unknown_to.issuperset(listed):
                found.append(((*path, key), listed))
        elif not value:  # an empty list or mapping, no model: nothing cited below it
            continue
        elif isinstance(value, BaseModel):
            _model_cited(value, (*path, key), found, unknown_to)
        elif isinstance(value, list | tuple):
            at = (*path, key)
            for i, item in enumerate(value):
                if isinstance(item, BaseModel) and not _nothing_to_report(item, unknown_to):
                    _model_cited(item, (*at, i), found, unknown_to)
        elif isinstance(value, dict):
            for item_key, item in value.items():
                if isinstance(item, BaseModel):
                    shown = item_key.value if isinstance(item_key, Enum) else item_key
                    _model_cited(
                        item, (*path, key, shown if isinstance(shown, str) else str(shown)), found, unknown_to
                    )


def _nothing_to_report(node: BaseModel, unknown_to: set[str] | frozenset[str] | None) -> bool:
    """True when a walk of ``node`` would find nothing: every citing field is empty, or cites only
    known ids. A list of 100,000 partners is mostly such entries, passed over without a walk each."""
    if unknown_to is None:
        return False
    for name, _, cites in _citing_fields(type(node)):
        value = getattr(node, name)
        if not value:
            continue
        if not (cites and isinstance(value, list) and unknown_to.issuperset(value)):
            return False
    return True


def _source_ids(table: Any) -> list[tuple[int, Any]]:
    """The sources table's ids with their places, from plan data or the plan's models."""
    out = []
    for i, source in enumerate(table if isinstance(table, list) else []):
        out.append((i, source.get("id") if isinstance(source, dict) else getattr(source, "id", None)))
    return out


def check_citations(data: Any) -> list[Problem]:
    """Source ids are unique and every cited id exists, checked on plan data (a dict as in the file).

    It works on plain data so that the loader can run it even when other parts of the file fail
    validation: a typo in a key and a citation of a missing source are reported in the same run.
    """
    if not isinstance(data, dict):
        return []
    return _citation_problems(data.get("sources"), _cited_lists(data))


def _citation_problems(table: Any, cited_lists: list[tuple[FieldPath, list[Any]]]) -> list[Problem]:
    found = []
    ids: list[str] = []
    for i, source_id in _source_ids(table):
        if not isinstance(source_id, str):
            continue
        if source_id in ids:
            found.append(
                Problem(
                    f"source id {source_id!r} is used twice", ("sources", i, "id"), code="duplicate_source"
                )
            )
        ids.append(source_id)
    for path, cited in cited_lists:
        for j, source_id in enumerate(cited):
            if isinstance(source_id, str) and source_id not in ids:
                guess = did_you_mean(source_id, ids)
                hint = f"did you mean {guess!r}?" if guess else "add it to the sources table"
                found.append(
                    Problem(
                        f"cites source {source_id!r}, which is not in the sources table",
                        (*path, j),
                        hint=hint,
                        code="unknown_source",
                    )
                )
    return found


def check_sources(plan: Plan) -> list[Problem]:
    """Source ids are unique and every cited id exists in the Sources table: one walk over the plan's
    models (the problems ``check_citations`` finds in the plan's data, without making that data)."""
    cited: list[tuple[FieldPath, list[Any]]] = []
    # Only the lists citing an unknown id are kept: the problems are the same, and a plan of
    # 100,000 partners, each citing a known source, keeps none.
    _model_cited(plan, (), cited, {s.id for s in plan.sources if isinstance(s.id, str)})
    return _citation_problems(plan.sources, cited)


def check_margins_in_band(plan: Plan) -> list[Problem]:
    """Reseller margins and tier discounts sit inside the program's margin band (a warning)."""
    band = plan.deal_frameworks.reseller.pricing.margin_band
    if band is None:
        return []
    shown = f"{format_percent(band.min)}-{format_percent(band.max)}"
    found = []
    for i, partner in enumerate(plan.categories.distribution.partners):
        if not band.min <= partner.margin <= band.max:
            found.append(
                Problem(
                    f"margin {format_percent(partner.margin)} is outside the program's margin band {shown}",
                    ("categories", "distribution", "partners", i, "margin"),
                    severity=Severity.WARNING,
                    code="margin_band",
                )
            )
    for i, tier in enumerate(plan.tiers):
        discount = tier.benefits.partner_discount
        if discount is not None and not band.min <= discount <= band.max:
            found.append(
                Problem(
                    f"partner discount {format_percent(discount)} is outside the program's margin band {shown}",
                    ("tiers", i, "benefits", "partner_discount"),
                    severity=Severity.WARNING,
                    code="margin_band",
                )
            )
    return found


def check_metric_targets(plan: Plan) -> list[Problem]:
    """Cumulative targets do not fall from Q1 to Year 1 (a warning); NPS stays within -100..100;
    counts and money are not negative."""
    found = []
    for i, metric in enumerate(plan.metrics):
        if metric.unit is MetricUnit.NPS:
            for key in ("q1", "q2", "year1", "actual_q1", "actual_q2", "actual_year1"):
                value = getattr(metric, key)
                if value is not None and not Decimal(-100) <= value <= Decimal(100):
                    found.append(
                        Problem(
                            f"an NPS is between -100 and 100, not {value}",
                            ("metrics", i, key),
                            code="nps_range",
                        )
                    )
        if metric.unit in (MetricUnit.COUNT, MetricUnit.MONEY):
            for key in ("q1", "q2", "year1", "actual_q1", "actual_q2", "actual_year1"):
                value = getattr(metric, key)
                if value is not None and value < 0:
                    found.append(
                        Problem(
                            f"a {metric.unit.value} target cannot be negative ({value})",
                            ("metrics", i, key),
                            code="negative_target",
                        )
                    )
        if not metric.cumulative:
            continue
        steps = [(k, getattr(metric, k)) for k in ("q1", "q2", "year1")]
        known = [(k, v) for k, v in steps if v is not None]
        for (k1, v1), (k2, v2) in itertools.pairwise(known):
            if v2 < v1:
                found.append(
                    Problem(
                        f"{metric.name!r} falls from {v1} ({k1}) to {v2} ({k2}); cumulative targets should not decrease",
                        ("metrics", i, k2),
                        severity=Severity.WARNING,
                        code="target_decreases",
                    )
                )
    return found


def check_unique_metric_names(plan: Plan) -> list[Problem]:
    """Each metric is listed once."""
    seen: set[str] = set()
    found = []
    for i, metric in enumerate(plan.metrics):
        if metric.name.casefold() in seen:
            found.append(
                Problem(
                    f"metric {metric.name!r} is listed twice", ("metrics", i, "name"), code="duplicate_metric"
                )
            )
        seen.add(metric.name.casefold())
    return found


CHECKS: list[Check] = [
    check_unique_partner_names,
    check_tiers_unique,
    check_tier_references,
    check_tier_thresholds_ordered,
    check_sources,
    check_margins_in_band,
    check_metric_targets,
    check_unique_metric_names,
    check_deal_terms,
    *TIER_CHECKS,
    check_roadmap,
]


PROGRAM_CHECKS: list[Callable[[Any], list[Problem]]] = [check_tiers_unique, *TIER_CHECKS]
"""The checks that apply to a tier program file (tiers, rules, facts; no strategy to cross-check)."""


def validate_program(program: Any) -> list[Problem]:
    """Every problem the tier checks find in a tier program file."""
    found: list[Problem] = []
    for check in PROGRAM_CHECKS:
        found.extend(check(program))
    return found


def validate(plan: Plan) -> list[Problem]:
    """Every problem the checks find in a plan, errors and warnings, in a stable order."""
    found: list[Problem] = []
    for check in CHECKS:
        found.extend(check(plan))
    return found
