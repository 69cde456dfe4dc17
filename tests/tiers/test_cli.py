"""``partnerkit tiers`` and ``partnerkit tiers review`` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path

PLAN = str(example_plan_path())
AS_OF = ["--as-of", "2026-10-01"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_table_shows_tier_change_and_gaps_for_every_partner() -> None:
    code, out, _ = run("tiers", PLAN, *AS_OF)
    assert code == 0
    assert "Tiers on 2026-10-01" in out
    for words in ("Orbit CRM", "upgrade", "downgrade", "new", "$60,000 more revenue over the last 12 months"):
        assert words in out
    assert "undecided: Premier possible; record certified_staff, integration_complete" in out


def test_one_partner_gets_the_full_criterion_table() -> None:
    code, out, _ = run("tiers", PLAN, *AS_OF, "--partner", "orbit crm")
    assert code == 0
    assert "tier: Premier (current: Registered; change: upgrade)" in out
    assert "Partner points" in out and "89.16 of 100" in out  # points shown rounded down
    assert "To reach Strategic:" in out
    assert "  - 3 more certified staff" in out


def test_json_schema_keys() -> None:
    code, out, _ = run("tiers", PLAN, *AS_OF, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-10-01"
    entry = data["partners"][0]
    assert {
        "partner",
        "tier",
        "current_tier",
        "change",
        "undecided",
        "track",
        "criteria",
        "next_tier",
        "gaps",
        "unknown",
    } <= set(entry)
    assert set(entry["criteria"][0]) == {
        "tier",
        "criterion",
        "required",
        "actual",
        "met",
        "status",
        "points",
        "max_points",
        "depth",
    }
    with_gaps = next(p for p in data["partners"] if p["gaps"])
    assert set(with_gaps["gaps"][0]) == {"criterion", "gap", "fact", "amount", "increases"}
    one = json.loads(run("tiers", PLAN, *AS_OF, "--json", "--partner", "Stackpay")[1])
    assert [p["partner"] for p in one["partners"]] == ["Stackpay"]
    assert one["partners"][0]["tier"] is None


def test_csv_output_and_output_file(tmp_path: Path) -> None:
    code, out, _ = run("tiers", PLAN, *AS_OF, "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["partner"] == "Northwind ERP" and rows[0]["tier"] == "Strategic"
    target = tmp_path / "orbit.csv"
    code, _, err = run("tiers", PLAN, *AS_OF, "--csv", "--partner", "Orbit CRM", "-o", str(target))
    assert code == 0 and "wrote" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r["criterion"] for r in rows} >= {"Partner points", "Signed partner agreement"}


def test_review(tmp_path: Path) -> None:
    code, out, _ = run("tiers", "review", PLAN, *AS_OF)
    assert code == 0
    assert "3 proposal(s)" in out and "needs a person's approval" in out
    assert "Brightline Advisory" in out and "2026-12-30" in out
    assert "Total $35,000 a quarter against a budget of $40,000" in out
    code, out, _ = run("tiers", "review", PLAN, *AS_OF, "--json")
    data = json.loads(out)
    assert [p["change"] for p in data["proposals"]] == ["upgrade", "downgrade", "new"]
    assert data["benefits"]["total_per_quarter"] == 35000


def test_facts_table_refreshes_and_bad_cells_exit_1(tmp_path: Path) -> None:
    good = tmp_path / "facts.csv"
    good.write_text(
        "partner,date,revenue\nBrightline Advisory,2026-09-30,400000\nBrightlne Advisory,2026-09-30,1\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "tiers", PLAN, *AS_OF, "--facts", str(good), "--partner", "Brightline Advisory", "--json"
    )
    assert code == 0
    assert json.loads(out)["partners"][0]["change"] == "hold"
    assert "did you mean 'Brightline Advisory'?" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("partner,certified_staff\nOrbit CRM,lots\nStackpay,-1\n", encoding="utf-8")
    code, out, err = run("tiers", PLAN, *AS_OF, "--facts", str(bad))
    assert code == 1
    assert "bad.csv:2: 'certified_staff' 'lots'" in err and "bad.csv:3: 'certified_staff' '-1'" in err
    assert out == ""


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--as-of", "01/10/2026"], 2, "ambiguous; write the ISO date you mean (2026-01-10 or 2026-10-01)"),
        (["--as-of", "0001-01-01"], 2, "0001-01-01 is outside the years 1900-2199"),
        (["--as-of", "9999-12-31"], 2, "9999-12-31 is outside the years 1900-2199"),
        (["--partner", "Orbit CMR"], 2, "did you mean 'Orbit CRM'?"),
        (["--json", "--csv"], 2, "choose one of --json and --csv"),
        (["--facts", "missing.csv"], 2, "cannot read the facts table"),
    ],
)
def test_usage_errors_exit_2(args: list[str], code: int, message: str) -> None:
    got, _, err = run("tiers", PLAN, *args)
    assert got == code
    assert message in err


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31"])
def test_a_review_date_off_the_calendar_is_a_usage_error_not_a_traceback(typed: str) -> None:
    got, out, err = run("tiers", "review", PLAN, "--as-of", typed)
    assert got == 2 and out == ""
    assert f"{typed} is outside the years 1900-2199" in err


def test_a_broken_plan_exits_1(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        Path(PLAN)
        .read_text(encoding="utf-8")
        .replace("fact: certified_staff, at_least: 5}", "fact: certifed_staff, at_least: 5}"),
        encoding="utf-8",
    )
    code, _, err = run("tiers", str(plan), *AS_OF)
    assert code == 1
    assert "did you mean 'certified_staff'?" in err


def test_help_shows_both_forms_with_examples() -> None:
    code, out, _ = run("tiers", "--help")
    assert code == 0
    assert "partnerkit tiers review PLAN" in out and "Examples:" in out
    code, out, _ = run("tiers", "review", "--help")
    assert code == 0 and "--facts" in out and "Example:" in out
    code, out, _ = run("tiers", "show", "--help")
    assert code == 0 and "--partner" in out


def test_installed_command_runs_like_a_user_runs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "partnerkit.cli", "tiers", PLAN, *AS_OF, "--partner", "Keystone IT Partners"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "4 more months in Premier (eligible from 2027-02-01)" in done.stdout


def test_demo_writes_the_tier_verdicts_and_review(tmp_path: Path) -> None:
    code, _, _ = run("demo", str(tmp_path))
    assert code == 0
    data = json.loads((tmp_path / "tiers.json").read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-10-01"
    assert {p["change"] for p in data["partners"]} == {
        "upgrade",
        "downgrade",
        "hold",
        "new",
        "none",
        "undecided",
    }
    assert "Proposals (each needs a person's approval)" in (tmp_path / "tier-review.txt").read_text(
        encoding="utf-8"
    )


def test_output_never_overwrites_the_plan_or_the_facts_table(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(Path(PLAN).read_text(encoding="utf-8"), encoding="utf-8")
    before = plan.read_bytes()
    code, _, err = run("tiers", str(plan), *AS_OF, "-o", str(plan))
    assert code == 2 and "is the plan itself" in err
    assert plan.read_bytes() == before
    facts = tmp_path / "facts.csv"
    facts.write_text("partner,certified_staff\nOrbit CRM,3\n", encoding="utf-8")
    code, _, err = run("tiers", "review", str(plan), *AS_OF, "--facts", str(facts), "-o", str(facts))
    assert code == 2 and "is the facts table itself" in err
    assert facts.read_text(encoding="utf-8") == "partner,certified_staff\nOrbit CRM,3\n"


def test_output_under_a_file_is_a_usage_error_and_new_folders_are_made(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run("tiers", PLAN, *AS_OF, "-o", str(blocker / "tiers.txt"))
    assert code == 2 and "is a file, not a folder" in err
    target = tmp_path / "new" / "tiers.csv"
    code, _, _ = run("tiers", PLAN, *AS_OF, "--csv", "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("partner,")


def test_a_partner_name_prints_as_written(tmp_path: Path) -> None:
    # names are the user's text: rich markup in one must print, not style or vanish
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        Path(PLAN).read_text(encoding="utf-8").replace("Orbit CRM", "Orbit [eu] CRM"), encoding="utf-8"
    )
    code, out, _ = run("tiers", str(plan), *AS_OF)
    assert code == 0, out
    assert "Orbit [eu] CRM" in out
