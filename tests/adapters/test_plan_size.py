"""The plan-file size limit: a documented setting, a default that admits 20,000 partners, one sentence past it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli as main
from partnerkit.errors import UnreadableFileError
from partnerkit.io import plantext
from partnerkit.io.planfile import (
    MAX_PLAN_BYTES,
    dump_plan,
    example_plan_path,
    load,
    load_example_plan,
    plan_size_limit,
    size_limit,
)
from partnerkit.model import Plan

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def plan_with(resellers: int) -> Plan:
    """The example plan with ``resellers`` distribution partners, copies of its first one renamed."""
    data: dict[str, Any] = load_example_plan().model_dump(mode="json", exclude_defaults=True)
    first = data["categories"]["distribution"]["partners"][0]
    data["categories"]["distribution"]["partners"] = [
        {**first, "name": f"Reseller {i:06d}"} for i in range(resellers)
    ]
    return Plan.model_validate(data, context={"currency": "USD"})


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_default_admits_a_plan_of_20000_partners(fmt: str) -> None:
    # Measured, not built at full size: what one more partner adds to a plan partnerkit writes. The
    # example's first reseller is a full one (notice address, contact, term overrides, facts).
    small, large = (len(dump_plan(plan_with(n), fmt).encode()) for n in (50, 250))
    per_partner = (large - small) / 200
    assert 1_000 < per_partner < 2_000
    assert small + 19_950 * per_partner < MAX_PLAN_BYTES == plan_size_limit()


def test_past_the_limit_is_one_sentence_naming_the_limit_and_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(example_plan_path().read_bytes())
    with pytest.raises(UnreadableFileError) as info:
        load(path, max_bytes=2_000)
    message = str(info.value)
    assert message.startswith(
        f"{path}: is 0.0 MB, past the plan-file size limit of 0.0 MB; raise it with --max-size"
    )
    assert "\n" not in message and not re.search(r"[.;] [A-Z]", message)  # one sentence
    assert load(path).plan is not None  # the default admits it


def test_size_limit_raises_it_for_every_read_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.json"
    path.write_text(dump_plan(load_example_plan(), "json"), encoding="utf-8")
    monkeypatch.setattr(plantext, "MAX_PLAN_BYTES", 2_000)
    with pytest.raises(UnreadableFileError, match=r"size limit of 0\.0 MB"):
        load(path)
    with size_limit(10 * 1_048_576):
        assert plan_size_limit() == 10 * 1_048_576
        assert load(path).plan is not None
    assert plan_size_limit() == 2_000


def test_the_command_refuses_in_one_line_and_max_size_raises_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plantext, "MAX_PLAN_BYTES", 2_000)
    path = tmp_path / "plan.yaml"
    path.write_bytes(example_plan_path().read_bytes())
    runner = CliRunner()
    refused = runner.invoke(main, ["validate", str(path)])
    assert refused.exit_code == 2
    (line,) = [line for line in refused.output.splitlines() if line.strip()]
    assert "past the plan-file size limit of 0.0 MB; raise it with --max-size" in line
    raised = runner.invoke(main, ["validate", str(path), "--max-size", "1MB"])
    assert raised.exit_code == 0, raised.output
    assert "the plan is valid" in raised.output
    by_setting = runner.invoke(main, ["terms", str(path)], env={"PARTNERKIT_MAX_PLAN_SIZE": "512KB"})
    assert by_setting.exit_code == 0, by_setting.output
    assert runner.invoke(main, ["validate", str(path), "--max-size", "1KB"]).exit_code == 2
    wrong = runner.invoke(main, ["validate", str(path), "--max-size", "big"])
    assert wrong.exit_code == 2 and "is not a size; write it like 60MB" in wrong.output


def test_the_limit_and_the_setting_are_documented() -> None:
    text = (DOCS / "plan-reference.md").read_text(encoding="utf-8")
    assert "--max-size" in text and "PARTNERKIT_MAX_PLAN_SIZE" in text
    assert f"{MAX_PLAN_BYTES // 1_048_576} MB" in text
