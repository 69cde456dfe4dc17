"""The examples in docs/sync.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .builders import build_planner

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_examples() -> None:
    assert python_blocks()


@pytest.mark.parametrize("block", python_blocks())
def test_doc_example_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    build_planner(tmp_path / "planner.xlsm", partners=2)
    monkeypatch.chdir(tmp_path)
    exec(compile(block, str(DOC), "exec"), {})
    assert "xl/worksheets/sheet2.xml" in capsys.readouterr().out
    assert (tmp_path / "planner.xlsm.bak").exists()
