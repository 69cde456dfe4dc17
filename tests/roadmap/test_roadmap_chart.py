"""The Gantt chart: PNG and SVG files a person would put in a slide."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from partnerkit.errors import PartnerkitError
from partnerkit.io.charts import render_gantt, write_gantt
from partnerkit.io.planfile import load_example_plan
from partnerkit.model import Plan
from partnerkit.roadmap import Schedule, schedule_roadmap
from partnerkit.roadmap.tables import quarter_names


@pytest.fixture(scope="module")
def example() -> tuple[Plan, Schedule]:
    plan = load_example_plan()
    return plan, schedule_roadmap(plan)


def test_png_is_a_slide_sized_image(example: tuple[Plan, Schedule], tmp_path: Path) -> None:
    plan, schedule = example
    path = write_gantt(schedule, tmp_path / "roadmap.png", quarter_names=quarter_names(plan.roadmap))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1600 and 800 <= height <= 3000


def test_svg_names_every_activity_quarter_and_the_critical_path(example: tuple[Plan, Schedule]) -> None:
    plan, schedule = example
    svg = render_gantt(schedule, "svg", quarter_names=quarter_names(plan.roadmap)).decode("utf-8")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for activity in schedule.activities:
        assert activity.name[:30] in texts
    for label in ("Q1 Foundation", "Q2 Expansion", "Q3 Scale", "Q4 Scale", "Critical path", "Week off"):
        assert label in texts
    assert "Team capacity" in texts


def test_the_same_schedule_draws_the_same_svg(example: tuple[Plan, Schedule]) -> None:
    _, schedule = example
    assert render_gantt(schedule, "svg") == render_gantt(schedule, "svg")


def test_other_formats_are_refused(example: tuple[Plan, Schedule], tmp_path: Path) -> None:
    _, schedule = example
    with pytest.raises(PartnerkitError, match=r"\.png or \.svg"):
        write_gantt(schedule, tmp_path / "roadmap.jpg")
    assert not (tmp_path / "roadmap.jpg").exists()
