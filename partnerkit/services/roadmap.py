"""Schedule the roadmap: the team's capacity week by week, slack, the critical path, and the Gantt chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.problems import Problem
    from partnerkit.roadmap.schedule import Schedule


@dataclass(frozen=True)
class RoadmapResult:
    """The schedule (None when the roadmap cannot be scheduled), its problems, and the chart written."""

    schedule: Schedule | None
    problems: list[Problem] = field(default_factory=list)
    gantt: Path | None = None

    @property
    def scheduled(self) -> bool:
        """True when every activity got its weeks."""
        return self.schedule is not None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit roadmap --json`` prints (docs/roadmap.md)."""
        if self.schedule is None:
            return {"scheduled": False, "problems": [p.to_dict() for p in self.problems]}
        return {
            "scheduled": True,
            **self.schedule.to_dict(),
            "problems": [p.to_dict() for p in self.problems],
        }


def roadmap_schedule(
    loaded: LoadedPlan,
    *,
    start: date | None = None,
    capacity: int | None = None,
    optimize: bool = False,
    time_limit: float = 10.0,
    gantt: str | Path | None = None,
) -> RoadmapResult:
    """Schedule the plan's roadmap (``start``/``capacity`` override the plan's), optionally to the optimum.

    Problems that block scheduling (a cycle, an unknown dependency, too few people) come back placed
    in the plan file, with no schedule; deadlines the team misses are warnings. ``gantt`` also draws
    the Gantt chart there (.png or .svg). Raises OptimizerUnavailableError when ``optimize`` is asked
    without OR-Tools installed.
    """
    from partnerkit.errors import PlanError
    from partnerkit.roadmap import schedule_roadmap

    plan = require_plan(loaded)
    try:
        if optimize:
            from partnerkit.io.optimize import optimize_roadmap

            schedule = optimize_roadmap(plan, start=start, capacity=capacity, time_limit=time_limit)
        else:
            schedule = schedule_roadmap(plan, start=start, capacity=capacity)
    except PlanError as exc:
        return RoadmapResult(None, loaded.place(exc.problems))
    written = None
    if gantt is not None:
        written = draw_gantt(plan, schedule, Path(gantt))
    return RoadmapResult(schedule, loaded.place(schedule.problems), written)


def draw_gantt(plan: Plan, schedule: Schedule, path: Path) -> Path:
    """Draw ``schedule`` as a Gantt chart at ``path`` (.png or .svg), with the plan's quarter names."""
    from partnerkit.io.charts import write_gantt
    from partnerkit.roadmap.tables import quarter_names

    return write_gantt(schedule, path, quarter_names=quarter_names(plan.roadmap))


def gantt_png(plan: Plan, schedule: Schedule | None) -> bytes | None:
    """The Gantt chart as PNG bytes for a document, or None when nothing is scheduled."""
    if schedule is None or not schedule.activities:
        return None
    from partnerkit.io.charts import render_gantt
    from partnerkit.roadmap.tables import quarter_names

    return render_gantt(schedule, "png", quarter_names=quarter_names(plan.roadmap))
