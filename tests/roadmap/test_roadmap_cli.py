"""``partnerkit roadmap`` through click's CliRunner, and once as the installed command."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path

EXAMPLE = str(example_plan_path())


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["roadmap", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def write_plan(tmp_path: Path, change: Any) -> Path:
    data = copy.deepcopy(yaml.safe_load(example_plan_path().read_text(encoding="utf-8")))
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_the_example_prints_the_template_quarter_tables() -> None:
    code, out, err = run(EXAMPLE)
    assert code == 0, err
    assert "### Q1: Foundation" in out and "### Q2: Expansion" in out and "### Q3-Q4: Scale" in out
    assert out.count("| Week | Activity | Partner Type | Goal |") == 3
    assert "| 1-2 | Partner program structure | All | Finalize tiers and terms |" in out
    assert "critical path: " in out
    assert err == ""


def test_json_lists_every_activity_with_the_documented_keys() -> None:
    code, out, _ = run(EXAMPLE, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["scheduled"] is True and data["start"] == "2026-01-05" and data["method"] == "heuristic"
    assert data["makespan_weeks"] > 0 and data["critical_path"]
    first = next(a for a in data["activities"] if a["id"] == "program-structure")
    assert {k: first[k] for k in ("start_week", "end_week", "start_date", "end_date", "quarter")} == {
        "start_week": 1,
        "end_week": 2,
        "start_date": "2026-01-05",
        "end_date": "2026-01-16",
        "quarter": "Q1",
    }
    assert {"slack", "critical"} <= set(first)


def test_start_and_capacity_override_the_plan() -> None:
    _, out, _ = run(EXAMPLE, "--json", "--start", "2027-01-04", "--capacity", "8")
    data = json.loads(out)
    assert data["start"] == "2027-01-04"
    wide = json.loads(run(EXAMPLE, "--json")[1])
    assert data["activities"][0]["start_date"].startswith("2027-")
    # With a larger team nothing finishes later.
    ends = {a["id"]: a["end_week"] for a in wide["activities"]}
    assert all(a["end_week"] <= ends[a["id"]] for a in data["activities"])


def test_a_smaller_team_warns_about_a_missed_deadline_but_still_schedules() -> None:
    code, out, err = run(EXAMPLE, "--capacity", "2")
    assert code == 0
    assert "### Q1: Foundation" in out
    assert "warning: scheduled to end in week" in err and "ledgerly.yaml:" in err


def test_output_file_and_gantt_files(tmp_path: Path) -> None:
    tables, png, svg = tmp_path / "roadmap.md", tmp_path / "roadmap.png", tmp_path / "roadmap.svg"
    code, out, err = run(EXAMPLE, "-o", str(tables), "--gantt", str(png))
    assert code == 0 and out == ""
    assert tables.read_text(encoding="utf-8").startswith("## Prioritized Roadmap")
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert f"wrote {png}" in err
    assert run(EXAMPLE, "--gantt", str(svg), "--json", "-o", str(tmp_path / "r.json"))[0] == 0
    assert b"<svg" in svg.read_bytes()[:500]
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["activities"]


def test_a_chart_of_another_kind_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(EXAMPLE, "--gantt", str(tmp_path / "roadmap.pdf"))
    assert code == 2 and ".png or .svg" in err


def test_an_impossible_roadmap_exits_1_with_three_located_messages(tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        q1 = {a["id"]: a for a in data["roadmap"]["phases"][0]["activities"]}
        q1["program-structure"]["depends_on"] = ["first-integrations"]
        q1["portal"]["depends_on"] = ["program-structur"]
        q2 = {a["id"]: a for a in data["roadmap"]["phases"][1]["activities"]}
        q2["ecosystem-engagement"]["deadline"] = "2026-06-05"

    plan = write_plan(tmp_path, break_it)
    code, out, err = run(str(plan))
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if ": roadmap." in line]
    assert len(lines) == 3
    assert all(line.startswith(f"{plan}:") for line in lines)
    assert any("dependency cycle: program-structure → " in line for line in lines)
    assert any("did you mean 'program-structure'?" in line for line in lines)
    assert any("deadline 2026-06-05" in line and "2 weeks late" in line for line in lines)


def test_a_capacity_too_small_for_an_activity_exits_1(tmp_path: Path) -> None:
    code, out, err = run(EXAMPLE, "--capacity", "1")
    assert code == 1 and out == ""
    assert "needs 2 people each week but the team never has more than 1" in err
    assert "ledgerly.yaml:" in err


def test_json_reports_the_problems_of_a_roadmap_that_cannot_be_scheduled() -> None:
    code, out, _ = run(EXAMPLE, "--capacity", "1", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["scheduled"] is False
    assert {p["field"] for p in data["problems"]} >= {"roadmap.phases[0].activities[0].people"}
    assert all(p["location"].startswith(EXAMPLE) for p in data["problems"])


def test_json_reports_a_plan_whose_roadmap_has_a_cycle(tmp_path: Path) -> None:
    # A cycle makes the plan itself invalid; scripts must still get the documented JSON, on
    # the screen or in the -o file.
    def break_it(data: dict[str, Any]) -> None:
        data["roadmap"]["phases"][0]["activities"][0]["depends_on"] = ["portal"]

    plan = write_plan(tmp_path, break_it)
    code, out, _ = run(str(plan), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["scheduled"] is False
    assert [p["code"] for p in data["problems"]] == ["dependency-cycle"]
    assert data["problems"][0]["location"].startswith(f"{plan}:")
    target = tmp_path / "roadmap.json"
    code, out, _ = run(str(plan), "--json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == data


@pytest.mark.parametrize("typed", ["9999-06-01", "0001-01-01", "2026-02-30"])
def test_a_start_date_off_the_calendar_is_a_usage_error_not_a_traceback(typed: str) -> None:
    code, out, err = run(EXAMPLE, "--start", typed)
    assert code == 2 and out == ""
    assert "Invalid value for '--start'" in err and typed in err


def test_a_plan_starting_in_9999_is_a_located_problem(tmp_path: Path) -> None:
    def far(data: dict[str, Any]) -> None:
        data["roadmap"]["settings"]["start"] = "9999-06-07"

    plan = write_plan(tmp_path, far)
    code, _, err = run(str(plan))
    assert code == 1
    assert ": roadmap.settings.start: 9999-06-07 is outside the years 1900-2199" in err


def test_output_under_a_file_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")
    code, out, err = run(EXAMPLE, "-o", str(blocker / "roadmap.md"))
    assert code == 2 and out == ""
    assert "is a file, not a folder" in err


def test_an_unreadable_plan_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.yaml"
    assert run(str(missing))[0] == 2


def test_optimize_finds_a_schedule_no_longer_than_the_heuristic() -> None:
    pytest.importorskip("ortools")
    heuristic = json.loads(run(EXAMPLE, "--json")[1])
    code, out, _ = run(EXAMPLE, "--json", "--optimize", "--time-limit", "5")
    assert code == 0
    optimum = json.loads(out)
    assert optimum["method"] in {"optimal", "feasible"}
    assert optimum["makespan_weeks"] <= heuristic["makespan_weeks"]


INSTALLED = Path(sys.executable).parent / "partnerkit"


@pytest.mark.skipif(
    not INSTALLED.exists(), reason="the partnerkit command is not installed beside this Python"
)
def test_the_installed_command_writes_a_chart(tmp_path: Path) -> None:
    chart = tmp_path / "roadmap.png"
    done = subprocess.run(
        [str(INSTALLED), "roadmap", EXAMPLE, "--gantt", str(chart)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "### Q1: Foundation" in done.stdout and chart.stat().st_size > 10_000
