"""Fixtures for the planning workbook: the example plan built as .xlsm and exported as .xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnerkit.io.planfile import load_example_plan
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan


@pytest.fixture(scope="session")
def example_plan() -> Plan:
    return load_example_plan()


@pytest.fixture(scope="session")
def built_xlsm(tmp_path_factory: pytest.TempPathFactory, example_plan: Plan) -> Path:
    """The demo's workbook: the example plan, with the example's deals and survey pasted in."""
    from partnerkit.services.workbook import program_tables

    path = tmp_path_factory.mktemp("built") / "planner.xlsm"
    return build_workbook(example_plan, path, program=program_tables(example_plan))


@pytest.fixture(scope="session")
def exported_xlsx(tmp_path_factory: pytest.TempPathFactory, example_plan: Plan) -> Path:
    path = tmp_path_factory.mktemp("exported") / "plan.xlsx"
    return build_workbook(example_plan, path, macros=False)
