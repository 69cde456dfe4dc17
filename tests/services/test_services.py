"""The service layer: one function per job, results that carry placed problems, and the doors over it."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path, load
from partnerkit.services import (
    check_plan,
    read_facts,
    roadmap_schedule,
    term_review,
    tier_review,
    tier_verdicts,
    write_strategy,
)
from partnerkit.services.workbook import export_workbook

SERVICES = Path(__file__).resolve().parents[2] / "partnerkit" / "services"


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    """A copy of the example plan that a test may use as the user's file."""
    return Path(shutil.copyfile(example_plan_path(), tmp_path / "plan.yaml"))


def line_of(path: Path, location: str) -> str:
    """The text of the line a ``FILE:LINE:COL`` location points at."""
    _, line, _ = location.rsplit(":", 2)
    return path.read_text(encoding="utf-8").splitlines()[int(line) - 1]


def test_a_roadmap_problem_found_after_loading_lands_on_its_line(plan_file: Path) -> None:
    """The scheduler knows field paths; the loaded plan's locator knows lines (no second parse)."""
    loaded = load(plan_file)
    result = roadmap_schedule(loaded, capacity=1)
    assert result.schedule is None
    (problem,) = [p for p in result.problems if p.code == "team-too-small"] or result.problems[:1]
    assert problem.location is not None and problem.location.startswith(f"{plan_file}:")
    # The line holds the activity the problem names.
    assert "id: program-structure" in line_of(plan_file, problem.location) or "people" in line_of(
        plan_file, problem.location
    )


def test_a_roadmap_problem_of_a_workbook_plan_lands_on_its_cell(tmp_path: Path, plan_file: Path) -> None:
    book = export_workbook(load(plan_file), tmp_path / "plan.xlsx")
    result = roadmap_schedule(load(book), capacity=1)
    assert result.problems
    assert all(p.location and p.location.startswith("Roadmap!") for p in result.problems)


def test_the_cli_prints_a_workbook_plans_roadmap_problems_with_their_cells(
    tmp_path: Path, plan_file: Path
) -> None:
    book = export_workbook(load(plan_file), tmp_path / "plan.xlsx")
    run = CliRunner().invoke(cli, ["roadmap", str(book), "--capacity", "1"])
    assert run.exit_code == 1
    assert "Roadmap!I" in run.stderr and "People = 2" in run.stderr
    assert "the roadmap cannot be scheduled" in run.stderr


def test_term_findings_are_problems_on_the_partners_line(plan_file: Path) -> None:
    loaded = load(plan_file)
    result = term_review(loaded)
    assert result.problems, "the example has term findings to place"
    for problem in result.problems:
        assert problem.location and problem.location.startswith(f"{plan_file}:")
        partner = str(problem.extra["partner"])
        text = plan_file.read_text(encoding="utf-8")
        # The partner's name appears at or just after the line the problem points at.
        _, line, _ = problem.location.rsplit(":", 2)
        assert partner in "\n".join(text.splitlines()[int(line) - 1 : int(line) + 3])


def test_a_facts_row_close_to_a_plan_partner_is_a_warning_of_the_facts_table(
    tmp_path: Path, plan_file: Path
) -> None:
    loaded = load(plan_file)
    assert loaded.plan is not None
    name = next(p.name for _, p in loaded.plan.partners())
    facts = tmp_path / "facts.csv"
    facts.write_text(f"partner,certified_staff\n{name[:-1]}x,3\n", encoding="utf-8")
    read = read_facts(facts, loaded)
    (warning,) = [p for p in read.problems if p.code == "unknown_facts_partner"]
    assert not warning.is_error and name in str(warning.hint)
    # The CLI shows the same warning, from the same check.
    run = CliRunner().invoke(cli, ["tiers", str(plan_file), "--facts", str(facts), "--as-of", "2026-10-01"])
    assert run.exit_code == 0, run.output
    assert f"did you mean {name!r}?" in run.stderr


def test_the_tier_services_agree_with_each_other(plan_file: Path) -> None:
    loaded = load(plan_file)
    day = date(2026, 10, 1)
    verdicts = tier_verdicts(loaded, day)
    review = tier_review(loaded, day)
    assert verdicts.evaluated and review.review is not None
    by_name = {v.partner: v for v in verdicts.verdicts}
    for proposal in review.review.proposals:
        assert by_name[proposal.partner].tier == proposal.proposed_tier
    # The summaries (worded once per distinct outcome) say what each verdict says.
    for name, tier, change, _ in verdicts.summaries():
        assert (tier, change) == (by_name[name].tier or "", by_name[name].change.value)


def test_validate_and_strategy_through_the_service(tmp_path: Path, plan_file: Path) -> None:
    loaded = load(plan_file)
    check = check_plan(loaded, min_grounding=1.0)
    assert not check.errors and check.below_grounding and not check.valid
    written = write_strategy(loaded, tmp_path / "strategy.md")
    assert [p.name for p in written.paths] == ["strategy.md", "strategy-roadmap.png"]
    assert "](strategy-roadmap.png)" in written.document.read_text(encoding="utf-8")


def test_an_error_of_partnerkit_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["validate", str(tmp_path / "missing.yaml")])
    assert run.exit_code == 2
    assert run.stderr.startswith("Error: ") and "no such file" in run.stderr
    assert "Traceback" not in run.output


def test_problems_found_exit_1_with_a_closing_line(write_plan: object, plan_data: dict) -> None:
    plan_data["tiers"][0]["level"] = "top"
    path = write_plan(plan_data)  # type: ignore[operator]
    run = CliRunner().invoke(cli, ["terms", str(path)])
    assert run.exit_code == 1
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{path}: ") and "error(s)" in last and not last.startswith("Error")


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_a_service_never_prints_exits_or_reads_the_clock(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for call in ("print(", "sys.exit", "date.today(", "datetime.now(", "click.", "input("):
        assert call not in text, f"{path.name} calls {call}; the door that calls it does"
    tree = ast.parse(text)
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"click", "rich", "xlwings"}, path.name


def test_one_service_imports_only_what_it_needs() -> None:
    probe = (
        "import sys\n"
        "import partnerkit.services.agreements\n"
        "print(sorted(m for m in sys.modules if m.startswith('partnerkit.services.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    # Not the tier, workbook, deal or payout services: the agreements batch would wait for them.
    assert out.strip() == "['partnerkit.services.agreements', 'partnerkit.services.plan']"


def test_the_service_layer_names_load_on_first_use() -> None:
    import partnerkit.services as services

    for name in services.__all__:
        assert getattr(services, name) is not None, name
    assert sorted(dir(services)) == sorted(services.__all__)
    with pytest.raises(AttributeError, match="no attribute 'draft_everything'"):
        services.draft_everything  # noqa: B018
