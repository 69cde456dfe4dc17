"""Malformed rules and facts are located problems with hints, never tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from partnerkit.io.planfile import dump_plan, load_plan_with_problems, parse_plan_text
from partnerkit.model import Plan
from partnerkit.model.rules import Window
from partnerkit.model.tiers import Tier
from partnerkit.problems import Severity

EXAMPLE = Path(__file__).resolve().parents[2] / "partnerkit" / "examples" / "ledgerly.yaml"


def problems_of(text: str) -> list[str]:
    _, problems = parse_plan_text(text, "plan.yaml")
    return [str(p) for p in problems]


def variant(old: str, new: str) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_unknown_fact_name_in_a_rule_gets_a_did_you_mean_at_its_line() -> None:
    text = variant(
        "{name: Certified resources, fact: certified_staff, at_least: 5}",
        "{name: Certified resources, fact: certifed_staff, at_least: 5}",
    )
    found = problems_of(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "certifed_staff" in row)
    assert any(
        p.startswith(f"plan.yaml:{line}:")
        and "unknown fact 'certifed_staff'" in p
        and "did you mean 'certified_staff'?" in p
        for p in found
    ), found


def test_unknown_rule_key_gets_a_did_you_mean() -> None:
    found = problems_of(
        variant(
            "{name: Strategic alignment, fact: strategic_alignment",
            "{name: Strategic alignment, fakt: strategic_alignment",
        )
    )
    assert any("unknown rule key" in p and "did you mean 'fact'?" in p for p in found), found


def test_negative_points_are_an_error() -> None:
    found = problems_of(variant("full_at: 6, points: 20}", "full_at: 6, points: -20}"))
    assert any("tiers[1].rules[1].metrics[1].points" in p and "cannot be negative" in p for p in found), found


def test_unknown_fact_on_a_partner_gets_a_did_you_mean() -> None:
    found = problems_of(variant("          certified_staff: 6\n", "          certified_stuff: 6\n"))
    assert any(
        "unknown fact 'certified_stuff'" in p and "did you mean 'certified_staff'?" in p for p in found
    ), found


def test_a_fact_value_of_the_wrong_kind_is_located() -> None:
    found = problems_of(variant("          certified_staff: 6\n", "          certified_staff: six\n"))
    assert any("facts.certified_staff" in p and "expected a whole number such as 12" in p for p in found), (
        found
    )


def test_rules_that_do_not_fit_their_fact() -> None:
    found = problems_of(
        variant(
            "{name: Certified resources, fact: certified_staff, at_least: 5}",
            "{name: Certified resources, fact: certified_staff, is: true}",
        )
    )
    assert any("'is: true/false' is for yes/no facts" in p for p in found), found
    found = problems_of(
        variant(
            "{name: Certified resources, fact: certified_staff, at_least: 5}",
            "{fact: certified_staff, over_last: 12 months, at_least: 5}",
        )
    )
    assert any("is not dated" in p for p in found), found
    found = problems_of(
        variant(
            "{name: Re-certification, valid_until: certification_expires}", "{valid_until: certified_staff}"
        )
    )
    assert any("valid_until needs a date fact" in p for p in found), found


def test_an_unreachable_tier_is_a_warning() -> None:
    # Premier asking for more revenue than Strategic, with Strategic's other rules gone: never the verdict
    data: dict[str, Any] = {
        "tiers": [
            {
                "name": "Top",
                "level": 1,
                "rules": [{"fact": "revenue", "over_last": "12 months", "at_least": 100}],
            },
            {
                "name": "Mid",
                "level": 2,
                "rules": [
                    {"fact": "revenue", "over_last": "12 months", "at_least": 200},
                    {"fact": "x", "is": True},
                ],
            },
            {
                "name": "Low",
                "level": 3,
                "rules": [{"fact": "revenue", "over_last": "12 months", "at_least": 50}],
            },
        ]
    }
    from partnerkit.tiers.checks import check_tier_reachable

    plan = Plan.model_construct(tiers=[Tier.model_validate(t) for t in data["tiers"]])
    found = check_tier_reachable(plan)
    assert [(p.severity, p.path) for p in found] == [(Severity.WARNING, ("tiers", 1, "rules"))]
    assert "tier 'Mid' (level 2) is unreachable" in found[0].message


def test_a_tier_above_the_lowest_without_rules_is_a_warning() -> None:
    # With no rules a tier holds for every partner: the starter plan made everyone Strategic silently.
    from partnerkit.tiers.checks import check_tier_has_rules

    tiers = [
        {"name": "Entry", "level": 3},
        {"name": "Top", "level": 1},
        {"name": "Mid", "level": 2, "rules": [{"fact": "revenue", "over_last": "12 months", "at_least": 1}]},
    ]
    plan = Plan.model_construct(tiers=[Tier.model_validate(t) for t in tiers])
    found = check_tier_has_rules(plan)
    assert [(p.severity, p.path, p.code) for p in found] == [
        (Severity.WARNING, ("tiers", 1, "rules"), "tier_without_rules")
    ]
    assert found[0].message.startswith("tier 'Top' has no rules, so every partner earns it")


def test_the_starter_plan_tiers_have_rules(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from partnerkit.cli import cli

    plan = tmp_path / "plan.yaml"
    assert CliRunner().invoke(cli, ["init", str(plan)]).exit_code == 0
    _, problems = load_plan_with_problems(plan)
    assert [p.field for p in problems if p.code == "tier_without_rules"] == []
    assert [p for p in problems if p.is_error] == []


def test_the_example_plan_is_clean_and_survives_a_round_trip(example_plan: Plan, tmp_path: Path) -> None:
    _, problems = load_plan_with_problems(EXAMPLE)
    assert [
        p for p in problems if p.code.startswith(("unknown", "rule", "fact", "negative", "unreachable"))
    ] == []
    again = tmp_path / "again.yaml"
    again.write_text(dump_plan(example_plan), encoding="utf-8")
    plan, problems = load_plan_with_problems(again)
    assert plan == example_plan, [str(p) for p in problems]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fact": "r"}, "needs one comparison"),
        ({"fact": "r", "at_least": 1, "at_most": 3}, "has 2 comparisons"),
        ({"fact": "r", "between": [5, 1]}, "ends below its start"),
        ({"fact": "r", "at_least": 1, "over_last": "a year"}, "is not a window"),
        ({"fact": "r", "at_least": "$50K"}, "write 50000"),
        ({"fact": "r", "at_least": float("nan")}, "nan is not a threshold"),
        ({"fact": "r", "more_than": float("inf")}, "inf is not a threshold"),
        ({"at_least": 3, "of": [{"fact": "a", "is": True}]}, "can never hold"),
        (
            {"points_at_least": 50, "metrics": [{"fact": "a", "points": 10, "full_at": 1}]},
            "at most 10 points",
        ),
        (
            {"points_at_least": 5, "metrics": [{"fact": "a", "points": 10, "full_at": 1, "cap": 5}]},
            "below the metric's points",
        ),
        (["not", "a", "rule"], "expected a rule"),
    ],
)
def test_malformed_rules_say_what_is_wrong(rule: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Tier.model_validate({"name": "T", "level": 1, "rules": [rule]})


def test_windows() -> None:
    assert str(Window.model_validate("12 Months")) == "12 months"
    assert str(Window.model_validate("1 quarter")) == "1 quarter"
    assert Window.model_validate("4 quarters").period().count == 1


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "        at_least: 250000\n",
            "        atleast: 250000\n",
            "unknown key 'atleast' (did you mean 'at_least'?)",
        ),
        (
            "        over_last: 12 months\n",
            "        over_lst: 12 months\n",
            "unknown key 'over_lst' (did you mean 'over_last'?)",
        ),
        (
            "        over_last: 12 months\n",
            "        over_last: 12 months\n        aggregate: summ\n",
            "'summ' is not an aggregate; did you mean 'sum'?",
        ),
        (
            "applies_to: [Integration, Distribution]",
            "applies_to: [Integration, Distribtion]",
            "'Distribtion' is not a partner category; did you mean 'Distribution'?",
        ),
    ],
)
def test_typos_in_rules_and_the_tier_program_get_a_did_you_mean(old: str, new: str, says: str) -> None:
    # A rule is one of several shapes; the suggestion comes from the keys of all of them.
    found = problems_of(variant(old, new))
    assert any(says in p for p in found), found
