"""Tier history: time at a named tier, history in the plan, and approved changes appended to it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.cli import cli
from partnerkit.io.planfile import dump_plan, example_plan_path, load
from partnerkit.io.plantext import load_plan_text
from partnerkit.model import Plan
from partnerkit.tiers.changes import apply_proposals
from partnerkit.tiers.evaluate import evaluate_tiers
from partnerkit.tiers.explain import Change, explain
from partnerkit.tiers.review import review_evaluation, review_tiers
from tests.tiers.helpers import AS_OF, run, table_of, tiers_of

LADDER = tiers_of(
    {
        "name": "Platinum",
        "level": 1,
        "rules": [
            {"name": "A year at Gold", "months_at_tier": {"tier": "Gold", "or_above": True, "at_least": 12}}
        ],
    },
    {"name": "Gold", "level": 2},
    {"name": "Silver", "level": 3},
)


def verdict(*history: tuple[date, str | None], **partner: Any) -> Any:
    record = {"name": "P", "tier_history": list(history) or None, **partner}
    return explain(run(LADDER, table_of(record)), 0)


def test_four_years_at_silver_do_not_jump_past_gold() -> None:
    # months_in_tier counts any current tier: four years at Silver passed "12 months before Platinum".
    found = verdict((date(2022, 9, 1), "Silver"))
    assert found.criteria[0].met is False
    assert found.tier == "Gold"
    assert found.gaps[0].text == "12 months at Gold or above first (now: Silver)"
    in_tier = tiers_of(
        {"name": "Platinum", "level": 1, "rules": [{"months_in_tier": 12}]}, {"name": "Gold", "level": 2}
    )
    assert run(in_tier, table_of({"name": "P", "tier": "Silver", "tier_since": date(2022, 9, 1)})).tier == [
        "Platinum"
    ]


def test_time_at_gold_counts_the_unbroken_stretch_up_to_the_review_date() -> None:
    assert verdict((date(2024, 1, 1), "Silver"), (date(2025, 10, 1), "Gold")).criteria[0].met is True
    short = verdict((date(2024, 1, 1), "Silver"), (date(2026, 2, 1), "Gold"))
    assert short.criteria[0].actual == "8 months"
    assert short.gaps[0].text == "4 more months at Gold or above (eligible from 2027-02-01)"
    # a spell at Gold that ended does not count: the stretch must reach the review date
    broken = verdict((date(2023, 1, 1), "Gold"), (date(2025, 1, 1), "Silver"), (date(2026, 6, 1), "Gold"))
    assert broken.criteria[0].actual == "4 months"


def test_or_above_counts_time_at_a_higher_tier_and_the_tier_itself_holds_its_gate() -> None:
    # at Platinum already: the gate was for getting in, like months_in_tier
    assert verdict((date(2026, 9, 1), "Platinum")).tier == "Platinum"
    strict = tiers_of(
        {"name": "Diamond", "level": 1},
        {"name": "Platinum", "level": 2, "rules": [{"months_at_tier": {"tier": "Gold", "at_least": 12}}]},
        {"name": "Gold", "level": 3},
    )
    # At Diamond since 2025-06: that is time above Gold, not at it, so without or_above the gate
    # counts no months (Diamond itself has no rules, so the verdict is Diamond all the same).
    record = {"name": "P", "tier_history": [(date(2024, 1, 1), "Gold"), (date(2025, 6, 1), "Diamond")]}
    ev = run(strict, table_of(record))
    assert ev.tier == ["Diamond"]
    gate = ev.tiers[1].rules[0]
    assert (gate.actual, gate.met) == ([0], [True])  # held above Platinum: the gate was for getting in
    at_gold_then_silver = {
        "name": "Q",
        "tier_history": [(date(2024, 1, 1), "Gold"), (date(2025, 6, 1), "Silver")],
    }
    silver = tiers_of(
        {
            "name": "Platinum",
            "level": 1,
            "rules": [{"months_at_tier": {"tier": "Gold", "or_above": True, "at_least": 12}}],
        },
        {"name": "Gold", "level": 2},
        {"name": "Silver", "level": 3},
    )
    assert run(silver, table_of(at_gold_then_silver)).tier == ["Gold"]


def test_unknown_start_of_the_current_tier_is_unknown_not_zero() -> None:
    found = verdict(tier="Gold")
    assert found.criteria[0].met is None
    assert found.unknown == ["tier_since"]
    assert verdict(tier="Silver").criteria[0].met is False


def test_a_history_entry_dated_after_the_review_date_has_not_happened_yet() -> None:
    # an approved downgrade waits its grace period: until then the partner holds its tier
    ev = run(
        LADDER,
        table_of({"name": "P", "tier_history": [(date(2024, 1, 1), "Gold"), (date(2026, 12, 30), "Silver")]}),
    )
    assert ev.held == ["Gold"]
    assert ev.tier == ["Platinum"]
    assert explain(ev, 0).current_tier == "Gold"


# --- the history in the plan -------------------------------------------------------------------


def plan_data() -> dict[str, Any]:
    return yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))


def northwind(data: dict[str, Any]) -> dict[str, Any]:
    partner: dict[str, Any] = data["categories"]["integration"]["partners"][0]
    assert partner["name"] == "Northwind ERP"
    return partner


def loaded_with(history: list[dict[str, Any]], **fields: Any) -> Any:
    data = plan_data()
    partner = northwind(data)
    partner.pop("tier")
    partner.pop("tier_since")
    partner.update(fields)
    partner["tier_history"] = history
    return load_plan_text(yaml.safe_dump(data, sort_keys=False), "plan.yaml")


def test_the_current_tier_and_its_start_come_from_the_last_entry_of_the_history() -> None:
    loaded = loaded_with(
        [{"tier": "Premier", "from": "2024-01-01"}, {"tier": "Strategic", "from": "2025-04-01"}]
    )
    assert loaded.problems == []
    partner = loaded.plan.partner("Northwind ERP")
    assert (partner.tier, partner.tier_since) == ("Strategic", date(2025, 4, 1))
    again = load_plan_text(dump_plan(loaded.plan), "again.yaml")
    assert again.plan == loaded.plan
    assert "from: '2024-01-01'" in dump_plan(loaded.plan)


@pytest.mark.parametrize(
    ("history", "fields", "message"),
    [
        (
            [{"tier": "Strategic", "from": "2025-04-01"}, {"tier": "Premier", "from": "2024-01-01"}],
            {},
            "tier_history must be in date order, oldest first: 2024-01-01 is listed after 2025-04-01",
        ),
        (
            [{"tier": "Premier", "from": "2024-01-01"}],
            {"tier": "Strategic"},
            "tier 'Strategic' is not the last entry",
        ),
        (
            [{"tier": "Premier", "from": "2024-01-01"}],
            {"tier_since": "2024-02-01"},
            "tier_since 2024-02-01 is not when tier_history says the current tier began (2024-01-01)",
        ),
        ([{"tier": "Premeir", "from": "2024-01-01"}], {}, "'Premeir' is not a tier of the plan"),
    ],
)
def test_a_history_that_cannot_be_is_a_located_problem(
    history: list[dict[str, Any]], fields: dict[str, Any], message: str
) -> None:
    loaded = loaded_with(history, **fields)
    errors = [p for p in loaded.problems if p.is_error]
    assert [message in str(p) for p in errors].count(True) == 1, errors
    assert all(p.location and p.location.startswith("plan.yaml:") for p in errors)


def test_an_unknown_tier_in_the_history_refers_to_the_tier() -> None:
    loaded = loaded_with([{"tier": "Premeir", "from": "2024-01-01"}])
    (problem,) = [p for p in loaded.problems if p.is_error]
    assert problem.path == ("categories", "integration", "partners", 0, "tier_history", 0, "tier")
    assert problem.extra["refers_to"] == (("tier", "Premeir"),)
    assert problem.hint == "did you mean 'Premier'?"


# --- approvals ------------------------------------------------------------------------------------


def test_approved_changes_are_appended_to_the_history_and_the_old_plan_is_untouched(
    example_plan: Plan,
) -> None:
    review = review_tiers(example_plan, AS_OF)
    changes = apply_proposals(example_plan, review.proposals, AS_OF)
    assert [p.partner for p in changes.applied] == ["Orbit CRM", "Brightline Advisory", "Summit Cloud Group"]
    orbit = changes.plan.partner("Orbit CRM")
    assert [(s.tier, s.from_) for s in orbit.tier_history] == [
        ("Registered", date(2025, 11, 1)),
        ("Premier", AS_OF),
    ]
    assert (orbit.tier, orbit.tier_since) == ("Premier", AS_OF)
    brightline = changes.plan.partner("Brightline Advisory")
    assert [(s.tier, s.from_) for s in brightline.tier_history] == [
        ("Strategic", date(2024, 6, 1)),
        ("Premier", date(2026, 12, 30)),  # after the grace period
    ]
    summit = changes.plan.partner("Summit Cloud Group")
    assert [(s.tier, s.from_) for s in summit.tier_history] == [("Registered", AS_OF)]
    assert example_plan.partner("Orbit CRM").tier == "Registered"
    # the approved plan validates as written, and the next review sees the changes
    reloaded = load_plan_text(dump_plan(changes.plan), "approved.yaml")
    assert [p for p in reloaded.problems if p.is_error] == []
    after = {
        v.partner: v
        for v in (explain(e, i) for e in [evaluate_tiers(reloaded.plan, AS_OF)] for i in range(len(e)))
    }
    assert after["Orbit CRM"].change is Change.HOLD
    assert after["Brightline Advisory"].current_tier == "Strategic"  # the downgrade waits its grace
    later = evaluate_tiers(reloaded.plan, date(2027, 1, 4))
    assert later.held[later.row("Brightline Advisory")] == "Premier"


def test_approving_again_replaces_a_scheduled_change(example_plan: Plan) -> None:
    review = review_tiers(example_plan, AS_OF)
    down = [p for p in review.proposals if p.partner == "Brightline Advisory"]
    once = apply_proposals(example_plan, down, AS_OF).plan
    twice = apply_proposals(once, down, AS_OF).plan
    assert (
        twice.partner("Brightline Advisory").tier_history == once.partner("Brightline Advisory").tier_history
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["Orbit CRM", "Brightline Advisory", "Summit Cloud Group"]), unique=True))
def test_any_approved_subset_gives_a_plan_that_validates_and_round_trips(chosen: list[str]) -> None:
    plan = load(example_plan_path()).plan
    assert plan is not None
    review = review_tiers(plan, AS_OF)
    approved = [p for p in review.proposals if p.partner in chosen]
    changed = apply_proposals(plan, approved, AS_OF).plan
    reloaded = load_plan_text(dump_plan(changed), "approved.yaml")
    assert reloaded.plan == changed
    # every approved upgrade now holds; nothing else changed
    left = {p.partner for p in review_evaluation(evaluate_tiers(changed, AS_OF)).proposals}
    assert left == {p.partner for p in review.proposals} - {
        p.partner for p in approved if p.change is not Change.DOWNGRADE
    }


def test_the_cli_writes_the_approved_plan(tmp_path: Path) -> None:
    out = tmp_path / "approved.yaml"
    result = CliRunner().invoke(
        cli,
        [
            "tiers",
            "review",
            str(example_plan_path()),
            "--as-of",
            "2026-10-01",
            "--approve",
            "orbit crm",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "approved Orbit CRM; wrote the plan with the tier history to" in result.stderr
    assert "Tier review on 2026-10-01" in result.stdout
    approved = load(out)
    assert approved.ok
    assert approved.plan is not None and approved.plan.partner("Orbit CRM").tier == "Premier"
    missing = CliRunner().invoke(
        cli,
        [
            "tiers",
            "review",
            str(example_plan_path()),
            "--as-of",
            "2026-10-01",
            "--approve",
            "Keystone IT Partners",
            "-o",
            str(out),
        ],
    )
    assert missing.exit_code == 2
    assert "no proposal for 'Keystone IT Partners' to approve" in missing.stderr
    no_output = CliRunner().invoke(cli, ["tiers", "review", str(example_plan_path()), "--approve-all"])
    assert no_output.exit_code == 2 and "add -o NEW-PLAN.yaml" in no_output.stderr
