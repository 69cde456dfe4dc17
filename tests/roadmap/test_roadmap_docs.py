"""docs/roadmap.md: the plan snippet it teaches is a valid roadmap that schedules as the text says."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from partnerkit.model.roadmap import Roadmap
from partnerkit.roadmap import roadmap_problems, schedule_roadmap

DOC = Path(__file__).resolve().parents[2] / "docs" / "roadmap.md"


def test_the_yaml_snippet_is_a_roadmap_that_schedules() -> None:
    (snippet,) = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    roadmap = Roadmap.model_validate(yaml.safe_load(snippet)["roadmap"])
    assert roadmap.settings.capacity_changes[0].from_week == 13
    schedule = schedule_roadmap(roadmap)
    assert [(a.id, a.start_week, a.end_week) for a in schedule.activities] == [
        ("program-structure", 1, 2),
        ("portal", 3, 4),
    ]
    assert roadmap_problems(roadmap) == []
