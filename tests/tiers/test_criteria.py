"""Every criterion kind, at and around its boundaries, including unknowns."""

from __future__ import annotations

from datetime import date

import pytest

from partnerkit.tiers.explain import explain, unknown_facts
from tests.tiers.helpers import AS_OF, one, run, table_of, tiers_of


def met(rule: dict, facts: dict, **partner: object) -> bool | None:
    """Whether the single criterion holds for one partner."""
    return one(rule, facts, **partner).criteria[0].met


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        ({"fact": "certified_staff", "at_least": 3}, 3, True),
        ({"fact": "certified_staff", "at_least": 3}, 2, False),
        ({"fact": "certified_staff", "more_than": 3}, 3, False),
        ({"fact": "certified_staff", "more_than": 3}, 4, True),
        ({"fact": "certified_staff", "at_most": 3}, 3, True),
        ({"fact": "certified_staff", "at_most": 3}, 4, False),
        ({"fact": "certified_staff", "less_than": 3}, 3, False),
        ({"fact": "certified_staff", "between": [2, 4]}, 2, True),
        ({"fact": "certified_staff", "between": [2, 4]}, 4, True),
        ({"fact": "certified_staff", "between": [2, 4]}, 5, False),
        ({"fact": "certified_staff", "equals": 3}, 3, True),
        ({"fact": "certified_staff", "one_of": [1, 5]}, 3, False),
    ],
)
def test_comparisons_at_their_boundaries(rule: dict, value: int, expected: bool) -> None:
    assert met(rule, {"certified_staff": value}) is expected


def test_booleans_and_text() -> None:
    assert met({"fact": "sponsor", "is": True}, {"sponsor": True}) is True
    assert met({"fact": "sponsor", "is": True}, {"sponsor": False}) is False
    assert met({"fact": "sponsor", "is": False}, {"sponsor": False}) is True
    assert met({"fact": "region", "equals": "EMEA"}, {"region": " emea "}) is True
    assert met({"fact": "region", "one_of": ["NA", "EMEA"]}, {"region": "APAC"}) is False


@pytest.mark.parametrize(
    "rule",
    [
        {"fact": "certified_staff", "at_least": 1},
        {"fact": "sponsor", "is": True},
        {"fact": "revenue", "over_last": "12 months", "at_least": 1},
        {"fact": "deals", "each_of_last": "4 quarters", "at_least": 1},
        {"valid_until": "cert_expires"},
        {"points_at_least": 1, "metrics": [{"fact": "certified_staff", "full_at": 2, "points": 10}]},
    ],
)
def test_a_missing_fact_makes_the_criterion_unknown(rule: dict) -> None:
    verdict = one(rule, {})
    assert verdict.criteria[0].met is None
    assert verdict.tier is None
    assert verdict.unknown  # the verdict says what it depends on


def test_trailing_window_edges() -> None:
    rule = {"fact": "revenue", "over_last": "12 months", "at_least": 100}
    # the window is (2025-10-01, 2026-10-01]: the review date counts, the day a year before does not
    assert met(rule, {"revenue": {date(2026, 10, 1): 100}}) is True
    assert met(rule, {"revenue": {date(2025, 10, 2): 100}}) is True
    assert met(rule, {"revenue": {date(2025, 10, 1): 100}}) is False
    assert met(rule, {"revenue": {date(2026, 10, 2): 100}}) is False  # after the review date
    # a partner with observations, none in the window, has zero there: known, not unknown
    verdict = one(rule, {"revenue": {date(2024, 1, 1): 5}})
    assert verdict.criteria[0].met is False
    assert verdict.criteria[0].actual == "$0"


def test_window_aggregates() -> None:
    deals = {"deals": {date(2026, 1, 1): 5, date(2026, 2, 1): 0, date(2026, 3, 1): 2}}
    assert met({"fact": "deals", "over_last": "1 year", "aggregate": "count", "at_least": 3}, deals) is True
    assert met({"fact": "deals", "over_last": "1 year", "aggregate": "max", "at_least": 5}, deals) is True
    assert met({"fact": "deals", "over_last": "1 year", "aggregate": "min", "at_most": 0}, deals) is True
    # max over an empty window: nothing qualifies, and the fact is known
    assert met({"fact": "deals", "over_last": "30 days", "aggregate": "max", "at_least": 1}, deals) is False


def test_days_and_weeks_windows() -> None:
    rule = {"fact": "revenue", "over_last": "90 days", "at_least": 1}
    # 90 days before the review date is 2026-07-03, which the window leaves out
    assert met(rule, {"revenue": {date(2026, 7, 4): 1}}) is True
    assert met(rule, {"revenue": {date(2026, 7, 3): 1}}) is False
    assert (
        met({"fact": "revenue", "over_last": "2 weeks", "at_least": 1}, {"revenue": {date(2026, 9, 18): 1}})
        is True
    )


def test_a_dated_fact_without_a_window_reads_its_latest_value() -> None:
    facts = {"revenue": {date(2026, 1, 1): 10, date(2026, 9, 1): 3, date(2027, 1, 1): 99}}
    assert one({"fact": "revenue", "at_least": 3}, facts).criteria[0].actual == "$3"


def test_qualified_on_any_day_within_a_window() -> None:
    rule = {"fact": "csat_daily", "on_any_day_within": "6 months", "at_least": 9}
    specs_rule = rule | {"fact": "revenue"}
    facts = {"revenue": {date(2026, 4, 2): 9, date(2026, 9, 1): 4}}
    assert met(specs_rule, facts) is True
    facts = {"revenue": {date(2026, 4, 1): 9, date(2026, 9, 1): 4}}  # the high day is just outside
    assert met(specs_rule, facts) is False
    assert met(specs_rule, {}) is None


def test_consistency_gate_and_its_period_edges() -> None:
    rule = {"fact": "deals", "each_of_last": "4 quarters", "at_least": 1}
    # periods end on 2026-10-01, 07-01, 04-01 and 01-01; each includes its end day
    every = {date(2026, 10, 1): 1, date(2026, 7, 1): 1, date(2026, 4, 1): 1, date(2026, 1, 1): 1}
    assert met(rule, {"deals": every}) is True
    shifted = {date(2026, 10, 1): 1, date(2026, 7, 1): 1, date(2026, 4, 1): 1, date(2025, 10, 1): 1}
    verdict = one(rule, {"deals": shifted})
    assert verdict.criteria[0].met is False
    assert verdict.criteria[0].actual == "3 of 4"
    assert verdict.gaps[0].text.endswith("short in 1 (2025-10-02 to 2026-01-01)")


def test_certification_expiring_on_the_review_date_is_valid_with_a_warning() -> None:
    rule = {"valid_until": "cert_expires", "warn_within_days": 30}
    on_the_day = one(rule, {"cert_expires": AS_OF})
    assert on_the_day.criteria[0].met is True
    assert on_the_day.warnings == ["certification expires on 2026-10-01 (in 0 days)"]
    day_before = one(rule, {"cert_expires": date(2026, 9, 30)})
    assert day_before.criteria[0].met is False
    assert day_before.warnings == ["certification expired on 2026-09-30"]
    assert day_before.gaps[0].text == "certification expired on 2026-09-30; renew it"
    assert one(rule, {"cert_expires": date(2026, 10, 31)}).warnings == [
        "certification expires on 2026-10-31 (in 30 days)"
    ]
    assert one(rule, {"cert_expires": date(2026, 11, 1)}).warnings == []


def test_months_in_tier() -> None:
    tiers = tiers_of(
        {"name": "Top", "level": 1, "rules": [{"months_in_tier": 12}]},
        {"name": "Base", "level": 2, "rules": []},
    )
    table = table_of(
        {"name": "exactly a year", "tier": "Base", "tier_since": date(2025, 10, 1)},
        {"name": "a day short", "tier": "Base", "tier_since": date(2025, 10, 2)},
        {"name": "already top", "tier": "Top", "tier_since": date(2026, 9, 1)},
        {"name": "no tier", "tier": None},
        {"name": "no date", "tier": "Base"},
        {"name": "month end", "tier": "Base", "tier_since": date(2025, 8, 31)},
    )
    ev = run(tiers, table)
    assert ev.tier == ["Top", "Base", "Top", "Base", "Base", "Top"]
    assert explain(ev, 1).gaps[0].text == "1 more month in Base (eligible from 2026-10-02)"
    assert explain(ev, 4).unknown == ["tier_since"]
    # Aug 31 + 12 months is Aug 31: the gate opened a month ago
    assert run(tiers, table, as_of=date(2026, 8, 31)).tier[5] == "Top"
    assert run(tiers, table, as_of=date(2026, 8, 30)).tier[5] == "Base"


def test_composition_in_three_valued_logic() -> None:
    yes = {"fact": "sponsor", "is": True}
    unknown = {"fact": "certified_staff", "at_least": 1}
    no = {"fact": "csat", "at_least": 9}
    facts = {"sponsor": True, "csat": 5}
    assert met({"all_of": [yes, unknown]}, facts) is None
    assert met({"all_of": [no, unknown]}, facts) is False
    assert met({"any_of": [yes, unknown]}, facts) is True
    assert met({"any_of": [no, unknown]}, facts) is None
    assert met({"at_least": 2, "of": [yes, unknown, no]}, facts) is None
    assert met({"at_least": 1, "of": [yes, unknown, no]}, facts) is True
    assert met({"at_least": 3, "of": [yes, unknown, no]}, facts) is False


def test_points_partial_full_and_capped() -> None:
    rule = {
        "points_at_least": 50,
        "metrics": [
            {"fact": "certified_staff", "full_at": 4, "points": 40},
            {"fact": "csat", "full_at": 5, "points": 20, "cap": 30},
        ],
    }
    verdict = one(rule, {"certified_staff": 2, "csat": 10})
    assert [c.points for c in verdict.criteria] == [50.0, 20.0, 30.0]
    assert verdict.criteria[0].met is True
    assert one(rule, {"certified_staff": 9, "csat": 0}).criteria[1].points == 40.0  # full points, no more
    exactly = one(rule, {"certified_staff": 4, "csat": 2.5})
    assert exactly.criteria[0].points == 50.0
    assert exactly.criteria[0].met is True


def test_points_minimums_and_every_metric_above_zero() -> None:
    metrics = [
        {"fact": "certified_staff", "full_at": 1, "points": 50, "at_least": 2},
        {"fact": "csat", "full_at": 5, "points": 50},
    ]
    assert met({"points_at_least": 10, "metrics": metrics}, {"certified_staff": 1, "csat": 5}) is False
    assert met({"points_at_least": 10, "metrics": metrics}, {"certified_staff": 2, "csat": 0}) is True
    above = {"points_at_least": 10, "metrics": metrics, "every_metric_above_zero": True}
    assert met(above, {"certified_staff": 2, "csat": 0}) is False


def test_points_with_a_missing_metric() -> None:
    rule = {
        "points_at_least": 50,
        "metrics": [
            {"fact": "certified_staff", "full_at": 1, "points": 60},
            {"fact": "csat", "full_at": 5, "points": 40},
        ],
    }
    assert met(rule, {"certified_staff": 1}) is True  # 60 known points already suffice
    assert met(rule, {"certified_staff": 0}) is False  # even 40 more cannot reach 50
    assert met(rule, {"csat": 5}) is None  # 40 known, up to 60 unknown


def test_each_partner_is_told_the_metric_it_is_missing() -> None:
    # Both partners leave the points rule unknown, each for the other metric: what to record is
    # worked out once per pattern of unknowns, and the patterns differ only in the metrics.
    rule = {
        "points_at_least": 50,
        "metrics": [
            {"fact": "certified_staff", "full_at": 1, "points": 40},
            {"fact": "csat", "full_at": 5, "points": 40},
        ],
    }
    ev = run(
        tiers_of({"name": "T", "level": 1, "rules": [rule]}),
        table_of({"name": "A", "facts": {"certified_staff": 1}}, {"name": "B", "facts": {"csat": 5}}),
    )
    assert [unknown_facts(ev, 0), unknown_facts(ev, 1)] == [["csat"], ["certified_staff"]]
    assert [explain(ev, 0).unknown, explain(ev, 1).unknown] == [["csat"], ["certified_staff"]]


def test_tracks_report_the_best_track() -> None:
    rule = {
        "tracks": [
            {
                "name": "Enterprise",
                "rules": [{"fact": "certified_staff", "at_least": 10}, {"fact": "sponsor", "is": True}],
            },
            {"name": "SMB", "rules": [{"fact": "csat", "at_least": 8}, {"fact": "sponsor", "is": True}]},
        ]
    }
    verdict = one(rule, {"certified_staff": 3, "csat": 7, "sponsor": True})
    assert verdict.criteria[0].met is False
    # both tracks meet one of two criteria; ties go to the first track in the plan
    assert [g.text for g in verdict.gaps] == ["7 more certified staff (via the Enterprise track)"]
    assert one(rule, {"certified_staff": 3, "csat": 9, "sponsor": True}).criteria[0].met is True


def test_a_tier_without_rules_is_met_by_everyone() -> None:
    ev = run(tiers_of({"name": "Open", "level": 1}), table_of({"name": "P"}))
    assert ev.tier == ["Open"]


def test_a_dated_yes_no_fact_reads_its_latest_observation() -> None:
    from partnerkit.model.rules import FactSpec
    from tests.tiers.helpers import SPECS

    specs = {**SPECS, "qualified": FactSpec(kind="boolean", dated=True)}
    tiers = tiers_of({"name": "T", "level": 1, "rules": [{"fact": "qualified", "is": True}]})
    facts = {"qualified": {date(2026, 1, 1): False, date(2026, 9, 1): True}}
    table = table_of({"name": "P", "facts": facts}, specs=specs)
    assert run(tiers, table, specs=specs).tier == ["T"]
    window = tiers_of(
        {
            "name": "T",
            "level": 1,
            "rules": [{"fact": "qualified", "on_any_day_within": "3 months", "is": True}],
        }
    )
    assert run(window, table, specs=specs).tier == ["T"]
    assert run(window, table, as_of=date(2026, 8, 1), specs=specs).tier == [None]
