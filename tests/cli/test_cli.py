"""The CLI through click's CliRunner: exit codes, messages and files, as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnerkit.cli import COMMANDS, cli
from partnerkit.io.planfile import example_plan_path

FIXTURES = Path(__file__).parent.parent / "fixtures" / "plans"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


class TestHelp:
    def test_group_help_lists_every_command(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "--help")
        assert code == 0
        for name in COMMANDS:
            assert name in out

    @pytest.mark.parametrize("name", sorted(COMMANDS))
    def test_every_command_has_help_with_an_example(self, runner: CliRunner, name: str) -> None:
        code, out, _ = run(runner, name, "--help")
        assert code == 0
        assert "Example" in out and f"partnerkit {name}" in out

    def test_version(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "--version")
        assert code == 0 and "partnerkit" in out


class TestValidate:
    def test_clean_plan_exits_0(self, runner: CliRunner) -> None:
        code, out, err = run(runner, "validate", str(example_plan_path()))
        assert code == 0
        assert "the plan is valid" in out
        assert "grounding ratio" in out
        assert err == ""

    def test_problems_exit_1_with_located_messages(self, runner: CliRunner, tmp_path: Path) -> None:
        data = yaml.safe_load(example_plan_path().read_text())
        partner = data["categories"]["distribution"]["partners"][0]
        partner["margn"] = partner.pop("margin")
        path = tmp_path / "plan.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        code, out, err = run(runner, "validate", str(path))
        assert code == 1
        assert f"{path}:" in err
        assert "unknown key 'margn' (did you mean 'margin'?)" in err
        assert "Traceback" not in err + out

    @pytest.mark.parametrize("name", ["binary.yaml", "latin1.yaml"])
    def test_unreadable_file_exits_2(self, runner: CliRunner, name: str) -> None:
        code, _, err = run(runner, "validate", str(FIXTURES / name))
        assert code == 2
        assert err.startswith("Error: ")
        assert "Traceback" not in err

    def test_missing_file_exits_2(self, runner: CliRunner, tmp_path: Path) -> None:
        code, _, err = run(runner, "validate", str(tmp_path / "missing.yaml"))
        assert code == 2 and "no such file" in err

    def test_usage_error_exits_2(self, runner: CliRunner) -> None:
        code, _, _ = run(runner, "validate", str(example_plan_path()), "--min-grounding", "2")
        assert code == 2

    def test_empty_file_is_a_problem_in_the_plan(self, runner: CliRunner) -> None:
        code, _, err = run(runner, "validate", str(FIXTURES / "empty.yaml"))
        assert code == 1 and "the plan file is empty" in err

    def test_json_output(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "validate", str(FIXTURES / "duplicates.yaml"), "--json")
        assert code == 1
        report = json.loads(out)
        assert report["valid"] is False
        assert {p["code"] for p in report["problems"]} >= {"duplicate_key"}
        assert all(p["location"] for p in report["problems"])

    def test_min_grounding(self, runner: CliRunner) -> None:
        code, out, _ = run(runner, "validate", str(example_plan_path()), "--min-grounding", "0.5", "--json")
        assert code == 0 and json.loads(out)["grounding"]["uncited"]
        code, _, err = run(runner, "validate", str(example_plan_path()), "--min-grounding", "0.99")
        assert code == 1
        assert "below the required 0.99" in err
        assert "assumptions[4]" in err


class TestInit:
    def test_example_then_validate(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "p.yaml"
        assert run(runner, "init", str(path), "--example")[0] == 0
        assert path.read_bytes() == example_plan_path().read_bytes()
        assert run(runner, "validate", str(path))[0] == 0

    def test_starter_is_valid_and_commented(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "p.yaml"
        assert run(runner, "init", str(path))[0] == 0
        assert path.read_text().count("#") > 20
        assert run(runner, "validate", str(path))[0] == 0

    def test_never_overwrites_without_force(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "p.yaml"
        path.write_text("my work\n")
        code, _, err = run(runner, "init", str(path))
        assert code == 2 and "already exists" in err
        assert path.read_text() == "my work\n"
        assert run(runner, "init", str(path), "--force")[0] == 0
        assert (tmp_path / "p.yaml.bak").read_text() == "my work\n"


class TestReport:
    def test_markdown(self, runner: CliRunner, tmp_path: Path) -> None:
        out = tmp_path / "strategy.md"
        code, stdout, _ = run(runner, "report", str(example_plan_path()), "-o", str(out))
        assert code == 0 and str(out) in stdout
        text = out.read_text()
        assert text.startswith("# Partnership Strategy")
        chart = tmp_path / "strategy-roadmap.png"
        assert chart.read_bytes().startswith(b"\x89PNG")
        assert "(strategy-roadmap.png)" in text

    def test_refuses_to_overwrite_the_plan(self, runner: CliRunner, tmp_path: Path) -> None:
        plan = tmp_path / "plan.yaml"
        plan.write_bytes(example_plan_path().read_bytes())
        code, _, err = run(runner, "report", str(plan), "-o", str(plan))
        assert code == 2 and "is the plan itself" in err
        assert plan.read_bytes() == example_plan_path().read_bytes()

    def test_unknown_format(self, runner: CliRunner, tmp_path: Path) -> None:
        code, _, err = run(runner, "report", str(example_plan_path()), "-o", str(tmp_path / "s.pdf"))
        assert code == 2 and ".md or .docx" in err

    def test_plan_with_problems_writes_nothing(self, runner: CliRunner, tmp_path: Path) -> None:
        out = tmp_path / "strategy.md"
        code, _, _ = run(runner, "report", str(FIXTURES / "duplicates.yaml"), "-o", str(out))
        assert code == 1 and not out.exists()


class TestDemo:
    def test_writes_plan_and_strategy(self, runner: CliRunner, tmp_path: Path) -> None:
        code, out, _ = run(runner, "demo", str(tmp_path / "out"))
        assert code == 0
        assert (tmp_path / "out" / "plan.yaml").exists()
        strategy = (tmp_path / "out" / "strategy.md").read_text()
        assert "{{" not in strategy
        assert str(tmp_path / "out" / "strategy.md") in out

    def test_keeps_an_edited_plan(self, runner: CliRunner, tmp_path: Path) -> None:
        outdir = tmp_path / "out"
        outdir.mkdir()
        (outdir / "plan.yaml").write_text("# my edits\n")
        code, _, err = run(runner, "demo", str(outdir))
        assert code == 0 and "kept" in err
        assert (outdir / "plan.yaml").read_text() == "# my edits\n"


class TestInstalledCommand:
    """A few runs of the installed console script, the way a user runs it."""

    def exe(self) -> str:
        script = Path(sys.executable).parent / "partnerkit"
        if not script.exists():
            pytest.skip("the partnerkit console script is not installed next to this Python")
        return str(script)

    def test_help_imports_nothing_heavy(self) -> None:
        probe = (
            "import sys; from partnerkit.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = {'pydantic', 'yaml', 'docx', 'docxtpl', 'matplotlib', 'openpyxl', 'xlsxwriter', "
            "'python_calamine', 'xlwings', 'rich', 'jinja2'} & {m.split('.')[0] for m in sys.modules}\n"
            "print(sorted(heavy))"
        )
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        assert out.strip().splitlines()[-1] == "[]"

    def test_validate_exit_codes(self, tmp_path: Path) -> None:
        exe = self.exe()
        assert (
            subprocess.run([exe, "validate", str(example_plan_path())], capture_output=True).returncode == 0
        )
        bad = subprocess.run([exe, "validate", str(FIXTURES / "syntax.yaml")], capture_output=True, text=True)
        assert bad.returncode == 1 and "syntax.yaml:4:1" in bad.stderr
        unreadable = subprocess.run(
            [exe, "validate", str(FIXTURES / "binary.yaml")], capture_output=True, text=True
        )
        assert unreadable.returncode == 2 and "Traceback" not in unreadable.stderr

    @pytest.mark.parametrize("command", [["demo", "blocker/out"], ["init", "blocker/plan.yaml"]])
    def test_a_destination_that_cannot_be_written_is_one_sentence_and_exit_2(
        self, tmp_path: Path, command: list[str]
    ) -> None:
        (tmp_path / "blocker").write_text("", encoding="utf-8")
        result = subprocess.run([self.exe(), *command], capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("Error: blocker") and "cannot be written or read" in result.stderr

    def test_demo(self, tmp_path: Path) -> None:
        result = subprocess.run([self.exe(), "demo", str(tmp_path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "strategy.md").exists()
