"""Fixtures for sync tests: a freshly built planning workbook in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import build_planner


@pytest.fixture
def planner(tmp_path: Path) -> Path:
    """A macro-enabled planner with 5 partners, buttons, a chart, an image and cached formulas."""
    return build_planner(tmp_path / "planner.xlsm")
