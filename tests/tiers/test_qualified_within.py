"""Qualification windows over any rule: met on some days or month ends, on the facts as they stood then."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from partnerkit.model.rules import Rule
from partnerkit.tiers.evaluate import qualification_days
from tests.tiers.helpers import AS_OF, one, run, table_of, tiers_of

TRACKS = {
    "tracks": [
        {
            "name": "Enterprise",
            "rules": [
                {
                    "points_at_least": 60,
                    "metrics": [
                        {"fact": "revenue", "over_last": "3 months", "full_at": 100000, "points": 60},
                        {"fact": "certified_staff", "full_at": 4, "points": 40},
                    ],
                }
            ],
        },
        {
            "name": "Small business",
            "rules": [
                {
                    "points_at_least": 50,
                    "metrics": [{"fact": "deals", "over_last": "3 months", "full_at": 10, "points": 100}],
                }
            ],
        },
    ]
}


def within(rule: dict[str, Any], months: int = 6, every: str = "month", at_least: int = 1) -> dict[str, Any]:
    return {"qualified_within": {"months": months, "every": every, "at_least": at_least, "rule": rule}}


def test_a_points_program_with_two_tracks_qualified_in_one_of_the_last_six_months() -> None:
    # Deals in June qualify the small-business track at the end of June and July (a 3-month
    # window); by the review date they have left it, so the track fails today. Before, a window
    # could not wrap a points or tracks rule at all.
    facts = {"deals": {date(2026, 6, 15): 5}, "revenue": {date(2026, 1, 31): 0}, "certified_staff": 1}
    verdict = one(within(TRACKS), facts)
    top = verdict.criteria[0]
    assert top.met is True
    assert top.actual == "3 months (latest 2026-08-31)"
    assert one(TRACKS, facts).criteria[0].met is False
    # the nested rows show the rule as it stands on the review date
    assert verdict.criteria[1].criterion == "tracks" and verdict.criteria[1].met is False


def test_the_facts_as_they_stood_later_observations_do_not_count_earlier() -> None:
    rule = within({"fact": "revenue", "over_last": "12 months", "at_least": 100}, months=3)
    # revenue recorded on 2026-09-20 counts from the end of September on, not at the end of August
    facts = {"revenue": {date(2026, 9, 20): 100}}
    ev = run(tiers_of({"name": "T", "level": 1, "rules": [rule]}), table_of({"name": "P", "facts": facts}))
    outcome = ev.tiers[0].rules[0]
    assert outcome.detail["days"] == [date(2026, 8, 31), date(2026, 9, 30), AS_OF]
    assert [m[0] for m in outcome.detail["mets"]] == [False, True, True]
    assert outcome.actual == [2]


def test_every_day_and_at_least() -> None:
    rule = {"fact": "revenue", "over_last": "30 days", "at_least": 100}
    facts = {"revenue": {date(2026, 7, 1): 100}}
    # the observation is in the 30-day window on 30 days (1 July to 30 July)
    assert one(within(rule, months=6, every="day", at_least=30), facts).criteria[0].met is True
    assert one(within(rule, months=6, every="day", at_least=31), facts).criteria[0].met is False
    assert one(within(rule, months=2, every="day"), facts).criteria[0].met is False  # since 2 Aug


def test_unknown_facts_leave_the_window_unknown_unless_known_days_decide() -> None:
    rule = within({"fact": "certified_staff", "at_least": 2})
    assert one(rule, {}).criteria[0].met is None
    assert one(rule, {"certified_staff": 3}).criteria[0].met is True


def test_the_gap_says_how_to_qualify_on_the_review_date() -> None:
    rule = within({"name": "Revenue", "fact": "revenue", "over_last": "3 months", "at_least": 1000}, months=6)
    verdict = one(rule, {"revenue": {date(2026, 1, 10): 900}})
    assert [g.text for g in verdict.gaps] == [
        "qualified within the last 6 months: met in 0 months of the last 6 months (needs 1); "
        "to qualify on 2026-10-01: $1,000 more revenue over the last 3 months"
    ]
    assert verdict.gaps[0].increases == (("revenue", 1000),)


def test_qualification_days_are_month_ends_and_the_review_date() -> None:
    assert qualification_days(3, "month", date(2026, 3, 15)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 15),
    ]
    days = qualification_days(1, "day", date(2026, 3, 31))
    assert (days[0], days[-1], len(days)) == (date(2026, 3, 1), date(2026, 3, 31), 31)


def test_a_window_that_can_never_hold_is_refused() -> None:
    from pydantic import TypeAdapter

    with pytest.raises(ValidationError, match="at_least 7 of 6 months can never hold"):
        TypeAdapter(Rule).validate_python(within({"fact": "csat", "at_least": 1}, at_least=7))


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(st.integers(0, 200), st.integers(0, 60), max_size=6),
    st.integers(1, 6),
    st.integers(20, 200),
)
def test_a_window_of_one_month_end_is_the_rule_itself_and_more_months_never_hurt(
    offsets: dict[int, int], months: int, need: int
) -> None:
    facts = {"revenue": {AS_OF - timedelta(days=k): v for k, v in offsets.items()}} if offsets else {}
    rule = {"fact": "revenue", "over_last": "2 months", "at_least": need}
    plain = one(rule, facts).criteria[0].met
    assert one(within(rule, months=1), facts).criteria[0].met == plain
    shorter = one(within(rule, months=months), facts).criteria[0].met
    longer = one(within(rule, months=months + 1), facts).criteria[0].met
    assert not (shorter is True and longer is not True)
