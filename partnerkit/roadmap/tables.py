"""The scheduled roadmap in the template's shape: per quarter, rows of week range, activity, type and goal."""

from __future__ import annotations

from dataclasses import dataclass, replace

from partnerkit.model.roadmap import Activity, Roadmap, Target
from partnerkit.roadmap.calendar import ProgramCalendar, parse_quarters, quarter_label
from partnerkit.roadmap.schedule import Schedule, ScheduledActivity

SPILL_OVER = "Spill-over"


@dataclass(frozen=True)
class RoadmapRow:
    """One row of a quarter table: Week, Activity, Partner Type, Goal (and what tools need besides)."""

    weeks: str
    activity: str
    partner_type: str
    goal: str
    id: str
    critical: bool


@dataclass(frozen=True)
class QuarterSection:
    """A section of the roadmap: one phase's quarter, the Scale quarters, or a quarter work spilled into."""

    label: str  # "Q1", "Q3-Q4"
    name: str  # "Foundation", "Scale", "Spill-over"
    quarters: tuple[int, ...]
    rows: tuple[RoadmapRow, ...]
    targets: tuple[Target, ...] = ()
    kind: str = "phase"  # "phase", "scale" or "spill-over"

    @property
    def heading(self) -> str:
        """``Q1: Foundation``, as the template heads a quarter."""
        return f"{self.label}: {self.name}"


def week_range(activity: ScheduledActivity, calendar: ProgramCalendar, *, with_quarter: bool) -> str:
    """Where an activity sits, in weeks of its quarter: ``5-8``, ``11 → Q2 2``, ``Q3 1-4``."""
    first_q, last_q = calendar.quarter(activity.start_week), calendar.quarter(activity.end_week)
    first = calendar.week_of_quarter(activity.start_week)
    last = calendar.week_of_quarter(activity.end_week)
    prefix = f"{quarter_label(first_q)} " if with_quarter else ""
    if first_q != last_q:
        return f"{prefix}{first} → {quarter_label(last_q)} {last}"
    return f"{prefix}{first}" if first == last else f"{prefix}{first}-{last}"


def _goal(activity: ScheduledActivity) -> str:
    if activity.target and activity.target not in activity.goal:
        return f"{activity.goal}: {activity.target}"
    return activity.goal


def roadmap_sections(roadmap: Roadmap, schedule: Schedule) -> list[QuarterSection]:
    """The roadmap's sections with each activity in the quarter it is scheduled to start."""
    calendar = schedule.calendar
    phases = {q: phase for phase in roadmap.phases for q in parse_quarters(phase.quarter)[:1]}
    scale_quarters = tuple(parse_quarters(roadmap.scale.quarters)) if roadmap.scale is not None else ()

    by_section: dict[tuple[str, int], list[ScheduledActivity]] = {}
    for activity in schedule.activities:
        q = activity.quarter
        if q in phases:
            key = ("phase", q)
        elif q in scale_quarters:
            key = ("scale", scale_quarters[0])
        else:
            key = ("spill-over", q)
        by_section.setdefault(key, []).append(activity)
    keys = {("phase", q) for q in phases} | set(by_section)
    if roadmap.scale is not None:
        keys.add(("scale", scale_quarters[0] if scale_quarters else 10_000))

    sections: list[QuarterSection] = []
    for kind, q in sorted(keys, key=lambda k: (k[1], k[0])):
        placed = sorted(
            by_section.get((kind, q), []), key=lambda a: (a.start_week, a.end_week, a.priority, a.id)
        )
        with_quarter = kind == "scale"
        rows = tuple(
            RoadmapRow(
                weeks=week_range(a, calendar, with_quarter=with_quarter),
                activity=a.name,
                partner_type=a.partner_type,
                goal=_goal(a),
                id=a.id,
                critical=a.critical,
            )
            for a in placed
        )
        if kind == "phase":
            phase = phases[q]
            sections.append(
                QuarterSection(phase.quarter, phase.name, (q,), rows, tuple(phase.targets), "phase")
            )
        elif kind == "scale":
            assert roadmap.scale is not None
            sections.append(
                QuarterSection(roadmap.scale.quarters, roadmap.scale.name, scale_quarters, rows, (), "scale")
            )
        else:
            sections.append(QuarterSection(quarter_label(q), SPILL_OVER, (q,), rows, (), "spill-over"))
    return sections


def quarter_names(roadmap: Roadmap) -> dict[int, str]:
    """The name of each planned quarter: ``{1: "Foundation", 2: "Expansion", 3: "Scale", 4: "Scale"}``."""
    names: dict[int, str] = {}
    if roadmap.scale is not None:
        names.update({q: roadmap.scale.name for q in parse_quarters(roadmap.scale.quarters)})
    for phase in roadmap.phases:
        names.update({q: phase.name for q in parse_quarters(phase.quarter)})
    return names


def planned_sections(roadmap: Roadmap) -> list[QuarterSection]:
    """The roadmap's sections with the week ranges as planned, for a roadmap that cannot be scheduled."""
    sections: list[QuarterSection] = []
    for phase in roadmap.phases:
        quarters = tuple(parse_quarters(phase.quarter))
        rows = _planned_rows(phase.activities)
        sections.append(
            QuarterSection(phase.quarter, phase.name, quarters, rows, tuple(phase.targets), "phase")
        )
    if roadmap.scale is not None:
        scale = roadmap.scale
        rows = _planned_rows(scale.activities)
        sections.append(
            QuarterSection(scale.quarters, scale.name, tuple(parse_quarters(scale.quarters)), rows)
        )
        sections[-1] = replace(sections[-1], kind="scale")
    return sections


def _planned_rows(activities: list[Activity]) -> tuple[RoadmapRow, ...]:
    ordered = sorted(
        activities, key=lambda a: (a.weeks.first if a.weeks else 10_000, a.weeks.last if a.weeks else 0)
    )
    return tuple(
        RoadmapRow(
            weeks=str(a.weeks) if a.weeks is not None else "-",
            activity=a.name,
            partner_type=str(a.partner_type),
            goal=f"{a.goal}: {a.target}" if a.target and a.target not in a.goal else a.goal,
            id=a.id,
            critical=False,
        )
        for a in ordered
    )
