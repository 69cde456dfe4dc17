"""The scheduled roadmap in the template's shape: quarter sections, week ranges, the Markdown section."""

from __future__ import annotations

from partnerkit.io.planfile import load_example_plan
from partnerkit.report.markdown import render_markdown, roadmap_lines
from partnerkit.roadmap import schedule_roadmap
from partnerkit.roadmap.tables import quarter_names, roadmap_sections, week_range
from tests.roadmap.builders import act, make_roadmap

TEMPLATE_COLUMNS = "| Week | Activity | Partner Type | Goal |"


def test_week_ranges_read_like_the_template() -> None:
    roadmap = make_roadmap(
        [act("a", 2), act("b", 4, deps=["a"]), act("c", 1, deps=["b"]), act("d", 6, deps=["c"])]
    )
    schedule = schedule_roadmap(roadmap)
    shown = {a.id: week_range(a, schedule.calendar, with_quarter=False) for a in schedule.activities}
    assert shown == {"a": "1-2", "b": "3-6", "c": "7", "d": "8 → Q2 1"}
    assert week_range(schedule.activity("d"), schedule.calendar, with_quarter=True) == "Q1 8 → Q2 1"


def test_each_activity_lands_in_the_quarter_it_starts() -> None:
    plan = load_example_plan()
    schedule = schedule_roadmap(plan)
    sections = roadmap_sections(plan.roadmap, schedule)
    assert [s.heading for s in sections] == ["Q1: Foundation", "Q2: Expansion", "Q3-Q4: Scale"]
    listed = [row.id for s in sections for row in s.rows]
    assert sorted(listed) == sorted(a.id for a in plan.roadmap.activities())
    for section in sections:
        for row in section.rows:
            assert schedule.activity(row.id).quarter in section.quarters
    q1 = sections[0]
    assert q1.rows[0].weeks == "1-2" and q1.rows[0].activity == "Partner program structure"
    assert [t.label for t in q1.targets] == [t.label for t in plan.roadmap.phases[0].targets]
    starts = [schedule.activity(r.id).start_week for r in q1.rows]
    assert starts == sorted(starts)


def test_work_beyond_the_planned_quarters_gets_a_spill_over_section() -> None:
    roadmap = make_roadmap([act("a", 12, people=3), act("b", 2, people=3)], capacity=3)
    sections = roadmap_sections(roadmap, schedule_roadmap(roadmap))
    assert [s.heading for s in sections] == ["Q1: Foundation", "Q2: Spill-over"]
    assert [r.weeks for r in sections[1].rows] == ["1-2"]


def test_quarter_names_for_the_chart() -> None:
    assert quarter_names(load_example_plan().roadmap) == {
        1: "Foundation",
        2: "Expansion",
        3: "Scale",
        4: "Scale",
    }


def test_the_markdown_section_keeps_the_template_headings_and_columns() -> None:
    plan = load_example_plan()
    lines = roadmap_lines(plan)
    assert lines[0] == "## Prioritized Roadmap"
    for heading in (
        "### Q1: Foundation",
        "**Q1 Targets**:",
        "### Q2: Expansion",
        "**Q2 Targets**:",
        "### Q3-Q4: Scale",
        "**Targets**:",
    ):
        assert heading in lines
    assert lines.count(TEMPLATE_COLUMNS) == 3
    assert "**Focus**: Partner-led growth" in lines
    assert "| 1-2 | Partner program structure | All | Finalize tiers and terms |" in lines
    assert any(line.startswith("*Scheduled over ") and "critical path" in line for line in lines)


def test_the_markdown_shows_the_chart_when_given_one() -> None:
    plan = load_example_plan()
    text = render_markdown(plan, roadmap_chart="roadmap.png")
    assert "](roadmap.png)" in text
    assert "](roadmap.png)" not in render_markdown(plan)


def test_a_roadmap_that_cannot_be_scheduled_falls_back_to_the_planned_weeks() -> None:
    plan = load_example_plan().model_copy(deep=True)
    plan.roadmap.phases[0].activities[0].depends_on = ["portal"]  # portal depends on it: a cycle
    lines = roadmap_lines(plan)
    assert "| 1-2 | Partner program structure | All | Finalize tiers and terms |" in lines
    assert not any(line.startswith("*Scheduled") for line in lines)
