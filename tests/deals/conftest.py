"""Fixtures of the deal-term tests: the example plan, as data to edit and as a model."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from partnerkit.io.planfile import example_plan_path, load_example_plan
from partnerkit.model import Plan

from .helpers import partner_data, to_plan


@pytest.fixture(scope="session")
def ledgerly() -> Plan:
    """The example plan, validated."""
    return load_example_plan()


@pytest.fixture(scope="session")
def _ledgerly_data() -> dict[str, Any]:
    return yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))


@pytest.fixture
def ledgerly_data(_ledgerly_data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the example plan's data that a test may change."""
    return copy.deepcopy(_ledgerly_data)


@pytest.fixture
def edit_partner(ledgerly_data: dict[str, Any]) -> Callable[..., Plan]:
    """Change fields of one partner of the example and return the validated plan."""

    def edit(name: str, **changes: Any) -> Plan:
        partner_data(ledgerly_data, name).update(changes)
        return to_plan(ledgerly_data)

    return edit
