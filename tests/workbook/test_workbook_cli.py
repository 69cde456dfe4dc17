"""``partnerkit workbook new | export | import | sync`` through click's CliRunner."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path, load_plan


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_new_builds_the_workbook_and_its_companion(tmp_path: Path) -> None:
    target = tmp_path / "planner.xlsm"
    code, out = run("workbook", "new", "-o", str(target), "--plan", str(example_plan_path()))
    assert code == 0, out
    assert "buttons: Validate" in out
    assert zipfile.is_zipfile(target)
    companion = (tmp_path / "planner.py").read_text(encoding="utf-8")
    assert "def main(action" in companion and "partnerkit.excel.buttons" in companion


def test_new_writes_the_interpreter_the_buttons_run(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    target = tmp_path / "planner.xlsm"
    python = "C:\\Users\\dana\\venv\\Scripts\\python.exe"
    code, out = run("workbook", "new", "-o", str(target), "--interpreter", python)
    assert code == 0, out
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("xlwings.conf").to_python()
    settings = {row[0]: row[1] for row in rows if row and row[0]}
    # Given on purpose, it is the Python of Windows and of macOS alike: the user names the one Excel runs.
    assert settings["Interpreter_Win"] == settings["Interpreter_Mac"] == python


def test_new_names_the_companion_after_the_workbook(tmp_path: Path) -> None:
    code, _ = run("workbook", "new", "-o", str(tmp_path / "q3_plan.xlsm"))
    assert code == 0
    assert "q3_plan.xlsm" in (tmp_path / "q3_plan.py").read_text(encoding="utf-8")


def test_new_keeps_an_edited_companion(tmp_path: Path) -> None:
    (tmp_path / "planner.py").write_text("# mine\n", encoding="utf-8")
    code, out = run("workbook", "new", "-o", str(tmp_path / "planner.xlsm"))
    assert code == 0 and "kept" in out
    assert (tmp_path / "planner.py").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize(
    ("name", "says"), [("planner.xlsx", "name it .xlsm"), ("my plan.xlsm", "must be a Python name")]
)
def test_new_refuses_names_the_buttons_cannot_use(tmp_path: Path, name: str, says: str) -> None:
    code, out = run("workbook", "new", "-o", str(tmp_path / name))
    assert code == 2 and says in out


def test_new_never_overwrites_without_force(tmp_path: Path) -> None:
    target = tmp_path / "planner.xlsm"
    target.write_bytes(b"the user's work")
    code, out = run("workbook", "new", "-o", str(target))
    assert code == 2 and "--force" in out
    assert target.read_bytes() == b"the user's work"
    code, _ = run("workbook", "new", "-o", str(target), "--force")
    assert code == 0 and zipfile.is_zipfile(target)


def test_export_then_import_gives_the_plan_back(tmp_path: Path) -> None:
    xlsx, yaml_out = tmp_path / "plan.xlsx", tmp_path / "back.yaml"
    assert run("workbook", "export", str(example_plan_path()), "-o", str(xlsx))[0] == 0
    code, out = run("workbook", "import", str(xlsx), "-o", str(yaml_out))
    assert code == 0, out
    assert load_plan(yaml_out) == load_plan(example_plan_path())


def test_import_prints_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    import openpyxl

    xlsx = tmp_path / "plan.xlsx"
    run("workbook", "export", str(example_plan_path()), "-o", str(xlsx))
    book = openpyxl.load_workbook(xlsx)
    book["Partners"]["D4"] = "P9"
    book["Sources"]["D4"] = "March 2025"
    book.save(xlsx)
    code, out = run("workbook", "import", str(xlsx), "-o", str(tmp_path / "plan.yaml"))
    assert code == 1
    assert "Partners!D4: categories.integration.partners[0].priority: Priority = 'P9'" in out
    assert "Sources!D4: sources[0].date: Date = 'March 2025'" in out
    assert not (tmp_path / "plan.yaml").exists()


def test_import_of_a_file_that_is_no_workbook_exits_2(tmp_path: Path) -> None:
    fake = tmp_path / "plan.xlsx"
    fake.write_text("name,priority\n", encoding="utf-8")
    code, out = run("workbook", "import", str(fake), "-o", str(tmp_path / "plan.yaml"))
    assert code == 2 and "CSV" in out


def test_every_plan_command_reads_a_workbook(tmp_path: Path) -> None:
    xlsx = tmp_path / "plan.xlsx"
    run("workbook", "export", str(example_plan_path()), "-o", str(xlsx))
    code, out = run("validate", str(xlsx))
    assert code == 0, out
    code, out = run("report", str(xlsx), "-o", str(tmp_path / "strategy.md"))
    assert code == 0, out


def test_help_shows_examples() -> None:
    for sub in ("new", "export", "import", "sync"):
        code, out = run("workbook", sub, "--help")
        assert code == 0 and "Example" in out
