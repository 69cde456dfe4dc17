"""docs/excel.md's examples run: its commands, and the problems it shows for a messy workbook."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path

DOC = Path(__file__).parents[2] / "docs" / "excel.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_commands_of_the_docs_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    have_sync = importlib.util.find_spec("partnerkit.io.xlsxpatch") is not None
    ran = 0
    for block in [*blocks("console"), *blocks("text")]:
        for line in block.splitlines():
            if not line.startswith("$ partnerkit "):
                continue
            args = shlex.split(line[2:])[1:]
            if args[:2] == ["workbook", "sync"] and not have_sync:
                continue
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (line, result.output)
            ran += 1
    assert ran >= 4
    assert (tmp_path / "planner.xlsm").exists() and (tmp_path / "planner.py").exists()


def test_the_problems_the_docs_show(tmp_path: Path) -> None:
    xlsx = tmp_path / "plan.xlsx"
    CliRunner().invoke(cli, ["workbook", "export", str(example_plan_path()), "-o", str(xlsx)])
    book = openpyxl.load_workbook(xlsx)
    book["Partners"]["G13"] = 1.4
    book["Partners"]["H22"] = "$50K"
    book["Sources"]["D6"] = "06/01/2024"
    book.save(xlsx)
    result = CliRunner().invoke(cli, ["validate", str(xlsx)])
    assert result.exit_code == 1
    shown = next(b for b in blocks("text") if b.startswith("Partners!"))
    for line in shown.strip().splitlines():
        assert line.split(" (...)")[0] in result.output, line
