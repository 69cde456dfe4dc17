"""Verdicts a partner can be shown: the qualifying track, partial points, exact and true gaps, plurals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from partnerkit.model.rules import FactSpec
from partnerkit.tiers.explain import Change, explain
from tests.tiers.helpers import AS_OF, SPECS, one, run, table_of, tiers_of

SEATS = {**SPECS, "seats": FactSpec(kind="count", unit="seats")}

TWO_TRACKS = {
    "tracks": [
        {
            "name": "Enterprise",
            "rules": [
                {
                    "points_at_least": 70,
                    "metrics": [
                        {"fact": "revenue", "over_last": "12 months", "full_at": 300000, "points": 60},
                        {"fact": "certified_staff", "full_at": 4, "points": 40},
                    ],
                }
            ],
        },
        {
            "name": "Small business",
            "rules": [
                {
                    "points_at_least": 70,
                    "metrics": [
                        {"fact": "deals", "over_last": "12 months", "full_at": 20, "points": 50},
                        {"fact": "certified_staff", "full_at": 2, "points": 50},
                    ],
                }
            ],
        },
    ]
}


def test_the_verdict_names_the_qualifying_track_and_its_score() -> None:
    facts = {"revenue": {date(2026, 6, 30): 240000}, "certified_staff": 3, "deals": {date(2026, 6, 30): 2}}
    verdict = one(TWO_TRACKS, facts)
    assert verdict.tier == "T"
    assert verdict.track is not None
    assert (verdict.track.track, verdict.track.score) == ("Enterprise", "78 of 100 points")
    assert verdict.to_dict()["track"] == {
        "tier": "T",
        "track": "Enterprise",
        "met": True,
        "score": "78 of 100 points",
        "points": 78,
        "max_points": 100,
        "on": None,
    }
    assert verdict.criteria[0].actual == "Enterprise: 78 of 100 points"


def test_of_two_met_tracks_the_best_scoring_one_is_reported() -> None:
    facts = {"revenue": {date(2026, 6, 30): 240000}, "certified_staff": 3, "deals": {date(2026, 6, 30): 20}}
    verdict = one(TWO_TRACKS, facts)
    assert (verdict.track.track, verdict.track.score) == ("Small business", "100 of 100 points")


def test_a_metric_earning_part_of_its_points_is_partial_not_failed() -> None:
    rule = {"points_at_least": 10, "metrics": [{"fact": "certified_staff", "full_at": 5, "points": 20}]}
    verdict = one(rule, {"certified_staff": 3})
    row = verdict.criteria[1]
    assert (row.status, row.points, row.max_points) == ("partial", Decimal(12), 20)
    assert row.to_dict()["status"] == "partial"
    assert one(rule, {"certified_staff": 5}).criteria[1].status == "met"
    assert one(rule, {"certified_staff": 0}).criteria[1].status == "not met"


def test_missing_points_and_the_route_are_exact_and_true() -> None:
    # 25 seats earn 0.5 points (20 points at 1,000 seats): the gap says so only because it is so
    rule = {"points_at_least": 10, "metrics": [{"fact": "seats", "full_at": 1000, "points": 20}]}
    tiers = tiers_of({"name": "T", "level": 1, "rules": [rule]})
    ev = run(tiers, table_of({"name": "P", "facts": {"seats": 475}}, specs=SEATS), specs=SEATS)
    assert [g.text for g in explain(ev, 0).gaps] == [
        "0.5 more points (9.5 of 10); the cheapest route: 25 more seats (+0.5 points)"
    ]
    # 0.51 points need 25.5 seats: 26 whole seats, which earn 0.52
    ev = run(
        tiers,
        table_of({"name": "P", "facts": {"seats": 474.5}}, specs={**SEATS, "seats": FactSpec()}),
        specs=SEATS,
    )
    assert (
        explain(ev, 0).gaps[0].text
        == "0.51 more points (9.49 of 10); the cheapest route: 26 more seats (+0.52 points)"
    )


def test_cheapest_is_the_smallest_increase_relative_to_each_threshold() -> None:
    rule = {
        "points_at_least": 50,
        "metrics": [
            {"fact": "certified_staff", "full_at": 4, "points": 30},  # 1 person is 25% of 4: 7.5 points
            {"fact": "deals", "over_last": "12 months", "full_at": 10, "points": 60},  # 1 deal: 10%, 6 points
        ],
    }
    facts = {"certified_staff": 2, "deals": {date(2026, 5, 1): 5}}  # 15 + 30 = 45
    assert one(rule, facts).gaps[0].text == (
        "5 more points (45 of 50); the cheapest route: 1 more deal over the last 12 months (+6 points)"
    )


def test_a_cost_per_unit_on_every_metric_makes_cheapest_mean_cheapest() -> None:
    specs = {
        **SPECS,
        "certified_staff": SPECS["certified_staff"].model_copy(update={"cost_per_unit": 2000}),
        "deals": SPECS["deals"].model_copy(update={"cost_per_unit": 5000}),
    }
    rule = {
        "points_at_least": 50,
        "metrics": [
            {"fact": "certified_staff", "full_at": 4, "points": 30},  # a point costs 2000 * 4 / 30 = 266.67
            {
                "fact": "deals",
                "over_last": "12 months",
                "full_at": 10,
                "points": 60,
            },  # 5000 * 10 / 60 = 833.33
        ],
    }
    tiers = tiers_of({"name": "T", "level": 1, "rules": [rule]})
    table = table_of(
        {"name": "P", "facts": {"certified_staff": 2, "deals": {date(2026, 5, 1): 5}}}, specs=specs
    )
    assert explain(run(tiers, table, specs=specs), 0).gaps[0].text == (
        "5 more points (45 of 50); the cheapest route: 1 more certified staff (+7.5 points)"
    )


def test_a_route_across_two_metrics_when_the_cheapest_runs_out() -> None:
    rule = {
        "points_at_least": 90,
        "metrics": [
            {"fact": "certified_staff", "full_at": 4, "points": 40},
            {"fact": "deals", "over_last": "12 months", "full_at": 10, "points": 60},
        ],
    }
    facts = {"certified_staff": 1, "deals": {date(2026, 5, 1): 6}}  # 10 + 36 = 46
    (gap,) = one(rule, facts).gaps
    assert gap.text == (
        "44 more points (46 of 90); the cheapest route: 4 more deals over the last 12 months (+24 points) "
        "and 2 more certified staff (+20 points)"
    )
    assert gap.increases == (("deals", 4), ("certified_staff", 2))


def test_plurals() -> None:
    assert (
        one({"fact": "deals", "over_last": "12 months", "at_least": 3}, {"deals": {date(2026, 5, 1): 2}})
        .gaps[0]
        .text
        == "1 more deal over the last 12 months"
    )
    assert (
        one({"fact": "deals", "over_last": "12 months", "at_least": 4}, {"deals": {date(2026, 5, 1): 2}})
        .gaps[0]
        .text
        == "2 more deals over the last 12 months"
    )
    assert one({"fact": "certified_staff", "at_least": 3}, {"certified_staff": 2}).gaps[0].text == (
        "1 more certified staff"
    )
    tiers = tiers_of(
        {"name": "Top", "level": 1, "rules": [{"months_in_tier": 12}]},
        {"name": "Base", "level": 2},
    )
    ev = run(tiers, table_of({"name": "P", "tier": "Base", "tier_since": date(2025, 10, 2)}))
    assert explain(ev, 0).gaps[0].text == "1 more month in Base (eligible from 2026-10-02)"
    rule = {"points_at_least": 10, "metrics": [{"fact": "certified_staff", "full_at": 10, "points": 10}]}
    assert one(rule, {"certified_staff": 9}).gaps[0].text.startswith("1 more point (9 of 10)")


def test_money_gaps_to_the_cent_and_more_than() -> None:
    gap = one(
        {"fact": "revenue", "over_last": "12 months", "more_than": 1000},
        {"revenue": {date(2026, 5, 1): 1000}},
    )
    assert gap.gaps[0].text == "$0.01 more revenue over the last 12 months"
    gap = one({"fact": "deals", "over_last": "12 months", "more_than": 2}, {"deals": {date(2026, 5, 1): 2}})
    assert gap.gaps[0].text == "1 more deal over the last 12 months"
    gap = one({"fact": "csat", "at_least": 7.25}, {"csat": 6.8})
    assert gap.gaps[0].text == "0.45 more satisfaction score"


def test_an_undecided_verdict_in_json() -> None:
    tiers = tiers_of(
        {"name": "Gold", "level": 1, "rules": [{"fact": "sponsor", "is": True}]},
        {"name": "Silver", "level": 2},
    )
    data = explain(run(tiers, table_of({"name": "P", "tier": "Gold"})), 0).to_dict()
    assert (data["tier"], data["change"], data["undecided"], data["unknown"]) == (
        "Silver",
        "undecided",
        ["Gold"],
        ["sponsor"],
    )
    new = explain(run(tiers, table_of({"name": "Q"})), 0)
    assert (new.change, new.undecided) == (Change.NEW, ["Gold"])  # at least Silver, whatever the facts


# --- the suggested route really closes the gap ------------------------------------------------------

METRIC_FACTS = ["certified_staff", "csat", "revenue", "deals", "seats"]
KINDS = {**SEATS, "seats": FactSpec(kind="number", label="seats")}

metric = st.fixed_dictionaries(
    {
        "fact": st.sampled_from(METRIC_FACTS),
        "points": st.sampled_from([1, 3, 7, 10, 20, 33, 50, 60]),
        "full_at": st.sampled_from([1, 2, 3, 4, 7, 10, 12.5, 300, 100000, 333333.33]),
        "cap": st.sampled_from([None, 0, 5, 20]),
        "at_least": st.sampled_from([None, None, 1, 2]),
    }
)


def _metric(m: dict[str, Any]) -> dict[str, Any]:
    out = {"fact": m["fact"], "points": m["points"], "full_at": m["full_at"]}
    if m["cap"]:
        out["cap"] = m["points"] + m["cap"]
    if m["at_least"] is not None:
        out["at_least"] = m["at_least"]
    if m["fact"] in ("revenue", "deals"):
        out["over_last"] = "12 months"
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(metric, min_size=1, max_size=4, unique_by=lambda m: m["fact"]),
    st.fractions(0, 1),
    st.booleans(),
    st.fixed_dictionaries(
        {
            "certified_staff": st.integers(0, 8),
            "csat": st.decimals(0, 20, places=2),
            "revenue": st.decimals(0, 400000, places=2),
            "deals": st.integers(0, 30),
            "seats": st.decimals(0, 50, places=3),
        }
    ),
    st.booleans(),
)
def test_applying_the_suggested_increases_makes_the_partner_qualify(
    metrics: list[dict[str, Any]], share: Any, above_zero: bool, values: dict[str, Any], costed: bool
) -> None:
    rules = [_metric(m) for m in metrics]
    most = sum(r.get("cap", r["points"]) for r in rules)
    assume(most > 0)
    need = Decimal(share.numerator) * Decimal(most) / Decimal(share.denominator)
    need = need.quantize(Decimal("0.01"))
    assume(0 < need <= most)
    rule = {"points_at_least": need, "metrics": rules, "every_metric_above_zero": above_zero}
    specs = dict(KINDS)
    if costed:
        specs = {k: v.model_copy(update={"cost_per_unit": 1 + len(k)}) for k, v in specs.items()}
    tiers = tiers_of({"name": "T", "level": 1, "rules": [rule]})

    def facts(vals: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in vals.items():
            out[name] = {AS_OF - timedelta(days=30): value} if name in ("revenue", "deals") else value
        return out

    ev = run(tiers, table_of({"name": "P", "facts": facts(values)}, specs=specs), specs=specs)
    verdict = explain(ev, 0)
    if ev.tier == ["T"]:
        assert verdict.gaps == []
        return
    increases: dict[str, Any] = {}
    for gap in verdict.gaps:
        assert gap.increases, gap.text  # every gap of a points rule says what closes it
        for fact, amount in gap.increases:
            assert amount > 0
            increases[fact] = increases.get(fact, 0) + amount
    better = {k: Decimal(v) + Decimal(increases.get(k, 0)) for k, v in values.items()}
    after = run(tiers, table_of({"name": "P", "facts": facts(better)}, specs=specs), specs=specs)
    assert after.tier == ["T"], (verdict.gaps, better)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["revenue", "deals", "certified_staff", "csat"]),
    st.sampled_from(["at_least", "more_than"]),
    st.decimals(0, 1000, places=2),
    st.decimals(0, 1000, places=2),
)
def test_a_comparison_gap_is_exactly_enough(fact: str, op: str, have: Decimal, need: Decimal) -> None:
    if fact in ("deals", "certified_staff"):
        have = have.to_integral_value()
    rule = {"fact": fact, op: need}
    if fact in ("revenue", "deals"):
        rule["over_last"] = "12 months"
        facts: dict[str, Any] = {fact: {AS_OF - timedelta(days=5): have}}
    else:
        facts = {fact: have}
    verdict = one(rule, facts)
    if verdict.criteria[0].met:
        return
    ((name, amount),) = verdict.gaps[0].increases
    assert name == fact and amount > 0
    raised = (
        {fact: {AS_OF - timedelta(days=5): have + amount}}
        if fact in ("revenue", "deals")
        else {fact: have + amount}
    )
    assert one(rule, raised).criteria[0].met is True
    step = Decimal(1) if fact in ("deals", "certified_staff") else Decimal("0.01")
    if amount > step and fact != "csat":
        lower = have + amount - step
        less = {fact: {AS_OF - timedelta(days=5): lower}} if fact in ("revenue", "deals") else {fact: lower}
        assert one(rule, less).criteria[0].met is False  # and no more than enough


def test_the_cheapest_route_counts_whole_units() -> None:
    # A certified person (3,000) earns 8 points, 375 a point; a seat (40) earns 0.06, 667 a point.
    # 18 points by people alone take 3 (9,000): 2 people and 34 seats (7,360) are cheaper.
    specs = {
        **SEATS,
        "seats": FactSpec(kind="count", dated=True, unit="seats", cost_per_unit=40),
        "certified_staff": FactSpec(kind="count", unit="certified staff", cost_per_unit=3000),
    }
    rule = {
        "points_at_least": 70,
        "metrics": [
            {"fact": "seats", "over_last": "12 months", "full_at": 1000, "points": 60},
            {"fact": "certified_staff", "full_at": 5, "points": 40},
        ],
    }
    tiers = tiers_of({"name": "T", "level": 1, "rules": [rule]})
    partner = {"name": "P", "facts": {"seats": {date(2026, 6, 30): 600}, "certified_staff": 2}}
    (gap,) = explain(run(tiers, table_of(partner, specs=specs), specs=specs), 0).gaps
    assert gap.text == (
        "18 more points (52 of 70); the cheapest route: 2 more certified staff (+16 points) "
        "and 34 more seats over the last 12 months (+2.04 points)"
    )
    # without costs, increases compare relative to each threshold: 300 of 1,000 seats is 30%,
    # cheaper than 2 of 5 people (40%) and 34 seats
    plain = {
        **specs,
        "seats": FactSpec(kind="count", dated=True, unit="seats"),
        "certified_staff": SPECS["certified_staff"],
    }
    (gap,) = explain(run(tiers, table_of(partner, specs=plain), specs=plain), 0).gaps
    assert (
        gap.text
        == "18 more points (52 of 70); the cheapest route: 300 more seats over the last 12 months (+18 points)"
    )
