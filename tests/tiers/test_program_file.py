"""A program file is enough: tiers, rules, benefits and facts without the strategy, partners from a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import load, starter_program_path
from partnerkit.io.plantext import load_plan_text
from partnerkit.model.program import TierProgramFile, is_program_data
from partnerkit.services import read_facts, tier_review, tier_verdicts

PROGRAM = """\
kind: tier-program
currency: EUR
tier_program:
  benefits_budget_per_quarter: 5000
  facts:
    revenue: {kind: money, dated: true, label: revenue}
    certified_staff: {kind: count, unit: certified staff}
tiers:
  - name: Gold
    level: 1
    rules:
      - {fact: revenue, over_last: 4 completed quarters, at_least: 100000}
      - {fact: certified_staff, at_least: 2}
    benefits: {co_marketing_budget: 2000}
  - name: Member
    level: 2
"""

EXPORT = (
    "partner,date,revenue,certified_staff,tier\nAlpha,2026-06-30,120000,3,Member\nBeta,2026-06-30,5000,1,\n"
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    program = tmp_path / "program.yaml"
    program.write_text(PROGRAM, encoding="utf-8")
    export = tmp_path / "crm.csv"
    export.write_text(EXPORT, encoding="utf-8")
    return program, export


def test_the_tiers_command_reads_a_program_and_a_facts_table(files: tuple[Path, Path]) -> None:
    program, export = files
    code, out, err = invoke("tiers", str(program), "--facts", str(export), "--as-of", "2026-10-01", "--json")
    assert code == 0, err
    found = {p["partner"]: p for p in json.loads(out)["partners"]}
    assert (found["Alpha"]["tier"], found["Alpha"]["change"]) == ("Gold", "upgrade")
    assert found["Beta"]["gaps"][0]["gap"] == "€95,000 more revenue over the last 4 completed quarters"


def test_the_review_reads_a_program_and_approves_into_it(files: tuple[Path, Path], tmp_path: Path) -> None:
    program, export = files
    out_file = tmp_path / "approved.yaml"
    code, out, err = invoke(
        "tiers",
        "review",
        str(program),
        "--facts",
        str(export),
        "--as-of",
        "2026-10-01",
        "--approve-all",
        "-o",
        str(out_file),
    )
    assert code == 0, err
    assert "Total €2,000 a quarter against a budget of €5,000" in out
    approved = load(out_file)
    assert approved.program is not None
    assert [(p.name, p.tier) for p in approved.program.partners] == [("Alpha", "Gold"), ("Beta", "Member")]
    assert yaml.safe_load(out_file.read_text(encoding="utf-8"))["kind"] == "tier-program"


def test_the_services_take_a_program(files: tuple[Path, Path]) -> None:
    from datetime import date

    program, export = files
    loaded = load(program)
    assert loaded.ok and loaded.plan is None and isinstance(loaded.program, TierProgramFile)
    facts = read_facts(export, loaded)
    assert facts.ok
    verdicts = tier_verdicts(loaded, date(2026, 10, 1), facts=facts)
    assert [v.tier for v in verdicts.verdicts] == ["Gold", "Member"]
    assert tier_review(loaded, date(2026, 10, 1), facts=facts).review is not None


def test_how_a_file_is_recognised_as_a_program() -> None:
    assert is_program_data({"kind": "tier-program"})
    assert is_program_data({"tiers": [], "tier_program": {}})
    assert not is_program_data({"tiers": [], "product": {}})
    assert not is_program_data({"kind": "plan", "tiers": []})
    assert not is_program_data([])


def test_validate_is_meaningful_for_a_program(tmp_path: Path) -> None:
    good = tmp_path / "program.yaml"
    good.write_text(PROGRAM, encoding="utf-8")
    code, out, _ = invoke("validate", str(good))
    assert code == 0 and "the tier program is valid" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        PROGRAM.replace("fact: certified_staff", "fact: certifed_staff").replace("level: 2", "level: 1"),
        encoding="utf-8",
    )
    code, out, err = invoke("validate", str(bad))
    assert code == 1
    shown = out + err
    assert (
        "bad.yaml:13:16: tiers[0].rules[1].fact: unknown fact 'certifed_staff' (did you mean 'certified_staff'?)"
        in shown
    )
    assert "level 1 is also the level of tier 'Gold'" in shown
    typo = tmp_path / "typo.yaml"
    typo.write_text(PROGRAM.replace("currency: EUR", "currency: EUR\ntier_programme: {}"), encoding="utf-8")
    code, out, err = invoke("validate", str(typo))
    assert code == 1 and "unknown key 'tier_programme' (did you mean 'tier_program'?)" in out + err


def test_commands_that_need_the_strategy_say_so(files: tuple[Path, Path], tmp_path: Path) -> None:
    program, _ = files
    code, out, err = invoke("report", str(program), "-o", str(tmp_path / "s.md"))
    assert code == 1
    assert "this is a tier program, not a whole plan" in out + err


def test_init_writes_a_starter_program_that_validates_and_evaluates(tmp_path: Path) -> None:
    target = tmp_path / "program.yaml"
    code, out, _ = invoke("init", str(target), "--program")
    assert code == 0 and "a starter tier program" in out
    assert target.read_bytes() == starter_program_path().read_bytes()
    loaded = load(target)
    assert loaded.problems == [] and loaded.program is not None
    export = tmp_path / "crm.csv"
    export.write_text(
        "partner,date,revenue,managed_revenue,deals,certified_staff,agreement_signed\n"
        "Orbit CRM,2026-09-30,60000,0,1,2,yes\n",
        encoding="utf-8",
    )
    code, out, err = invoke("tiers", str(target), "--facts", str(export), "--as-of", "2026-10-01")
    assert code == 0, err
    assert "Orbit CRM" in out and "Silver" in out
    assert invoke("init", str(tmp_path / "x.yaml"), "--program", "--example")[0] == 2


def test_a_program_with_partners_of_its_own() -> None:
    text = (
        PROGRAM
        + "partners:\n  - name: Gamma\n    tier_history: [{tier: Gold, from: 2025-01-01}]\n    facts: {certified_staff: 4}\n"
    )
    loaded = load_plan_text(text, "program.yaml")
    assert loaded.problems == []
    assert loaded.program is not None
    (gamma,) = loaded.program.partners
    assert (gamma.tier, gamma.tier_since.isoformat()) == ("Gold", "2025-01-01")
    wrong = load_plan_text(text.replace("{tier: Gold", "{tier: Gould"), "program.yaml")
    assert any("'Gould' is not a tier of the plan" in str(p) for p in wrong.problems)
