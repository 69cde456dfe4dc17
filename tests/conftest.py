"""Shared fixtures: the example plan as data and as a model, and a helper that writes plan variants."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from partnerkit.io.planfile import example_plan_path, load_example_plan
from partnerkit.model import Plan

# CI explores the same examples on every run (derandomize), so a landing never depends on luck;
# developers' runs draw new examples each time and keep what fails in .hypothesis/ to replay.
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled templates go to a folder of this test run (child processes too), never the user's cache."""
    folder = tmp_path_factory.mktemp("template-cache")
    before = os.environ.get("PARTNERKIT_CACHE_DIR")
    os.environ["PARTNERKIT_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("PARTNERKIT_CACHE_DIR", None)
    else:
        os.environ["PARTNERKIT_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def example_data() -> dict[str, Any]:
    """The example plan as plain data, as read from its YAML file."""
    return yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_plan() -> Plan:
    """The example plan, validated."""
    return load_example_plan()


@pytest.fixture
def plan_data(example_data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the example data that a test may change."""
    return copy.deepcopy(example_data)


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    """Write plan data (or raw text/bytes) to a file in a temporary folder and return its path."""

    def write(content: Any, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    return write
