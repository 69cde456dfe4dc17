"""A scheduled roadmap: each activity's weeks, dates, quarter and slack; the makespan and critical path."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partnerkit.problems import FieldPath, Problem
from partnerkit.roadmap.calendar import ProgramCalendar, quarter_label
from partnerkit.roadmap.network import Network
from partnerkit.roadmap.slack import schedule_slack


@dataclass(frozen=True)
class ScheduledActivity:
    """One activity placed in time. Weeks are program weeks counted from 1; dates need a start date.

    ``slack`` is the total slack and ``free_slack`` the free slack, in working weeks (defined in
    ``partnerkit.roadmap.slack``); ``critical`` means no total slack.
    """

    id: str
    name: str
    start_week: int
    end_week: int
    start_date: date | None
    end_date: date | None
    quarter: int
    slack: int
    critical: bool
    people: int
    duration_weeks: int
    depends_on: tuple[str, ...] = ()
    partner_type: str = "All"
    goal: str = ""
    target: str | None = None
    priority: str = "P1"
    phase: str | None = None
    path: FieldPath = ()
    free_slack: int = 0

    @property
    def total_slack(self) -> int:
        """Working weeks it can slip, its dependants pushed, before the program ends later (``slack``)."""
        return self.slack

    @property
    def quarter_label(self) -> str:
        """``Q2`` for the second quarter."""
        return quarter_label(self.quarter)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape scripts read."""
        return {
            "id": self.id,
            "name": self.name,
            "start_week": self.start_week,
            "end_week": self.end_week,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "quarter": self.quarter_label,
            "slack": self.slack,
            "free_slack": self.free_slack,
            "critical": self.critical,
            "people": self.people,
            "depends_on": list(self.depends_on),
        }


@dataclass(frozen=True)
class Link:
    """Why an activity on a chain starts when it does: a dependency, or the team being busy."""

    before: str
    after: str
    kind: str  # "dependency" or "capacity"


@dataclass(frozen=True)
class Schedule:
    """The whole roadmap in time: activities by start, the makespan and the critical path."""

    activities: tuple[ScheduledActivity, ...]
    calendar: ProgramCalendar
    makespan_weeks: int
    critical_path: tuple[str, ...]
    method: str = "heuristic"
    problems: tuple[Problem, ...] = ()
    critical_links: tuple[Link, ...] = ()
    _by_id: dict[str, ScheduledActivity] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({a.id: a for a in self.activities})

    @property
    def start(self) -> date | None:
        """The program's start date, if known."""
        return self.calendar.start

    @property
    def end_date(self) -> date | None:
        """The day the last activity ends."""
        return self.calendar.end_date(self.makespan_weeks) if self.activities else self.calendar.start

    def activity(self, activity_id: str) -> ScheduledActivity:
        """The scheduled activity with this id; KeyError when there is none."""
        return self._by_id[activity_id]

    def people_in_week(self, week: int) -> int:
        """People at work in program week ``week``."""
        if self.calendar.is_off(week):
            return 0
        return sum(a.people for a in self.activities if a.start_week <= week <= a.end_week)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit roadmap --json`` prints."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end_date.isoformat() if self.end_date else None,
            "makespan_weeks": self.makespan_weeks,
            "critical_path": list(self.critical_path),
            "critical_links": [
                {"before": k.before, "after": k.after, "kind": k.kind} for k in self.critical_links
            ],
            "method": self.method,
            "activities": [a.to_dict() for a in self.activities],
            "problems": [p.to_dict() for p in self.problems],
        }


def chain_before(
    network: Network,
    job_id: str,
    starts: Mapping[str, int],
    releases: Mapping[str, int],
    *,
    prefer: Collection[str] = (),
    calendar: ProgramCalendar | None = None,
) -> list[Link]:
    """Walk back from ``job_id`` through whatever made each activity start exactly when it did.

    A dependency that ends the week before wins; otherwise an activity that ends the week before
    and held people (capacity); a link to an activity in ``prefer`` (the critical ones) first, then
    the first id, or for capacity the one holding the most people. The walk stops at an activity
    that starts as early as its own limits allow: the first week, or its release (quarter, earliest
    or fixed start); given the ``calendar``, also at a week the team grows when no activity in
    ``prefer`` held it back.
    """
    ends = {j: starts[j] + network.jobs[j].duration - 1 for j in starts}
    ending_at: dict[int, list[str]] = {}
    for j, e in ends.items():
        ending_at.setdefault(e, []).append(j)
    links: list[Link] = []
    current = job_id
    seen = {current}
    while True:
        begin = starts[current]
        if begin <= releases[current] or begin == 0:
            break
        deps = [d for d in network.jobs[current].depends_on if ends[d] == begin - 1]
        busy = [j for j in ending_at.get(begin - 1, []) if j not in seen and j not in deps]
        kind = "dependency"
        chosen = [d for d in deps if d in prefer]
        if not chosen:
            chosen, kind = [b for b in busy if b in prefer], "capacity"
        if not chosen and calendar is not None and _team_grows(calendar, begin):
            break  # no critical activity held it back: the team grew in time for it
        if not chosen:
            chosen, kind = (deps, "dependency") if deps else (busy, "capacity")
        if not chosen:
            break
        if kind == "dependency":
            previous = min(chosen)
        else:
            previous = min(chosen, key=lambda j: (-network.jobs[j].people, j))
        links.append(Link(previous, current, kind))
        seen.add(previous)
        current = previous
    links.reverse()
    return links


def _team_grows(calendar: ProgramCalendar, index: int) -> bool:
    before = calendar.capacity_in_week(calendar.week(index - 1))
    return calendar.capacity_in_week(calendar.week(index)) > before


def chain_ids(links: Sequence[Link], last: str) -> list[str]:
    """The activities of a chain in order, ending with ``last``."""
    return [link.before for link in links] + [last]


def build_schedule(
    network: Network,
    calendar: ProgramCalendar,
    starts: Mapping[str, int],
    releases: Mapping[str, int],
    *,
    method: str = "heuristic",
    problems: Sequence[Problem] = (),
) -> Schedule:
    """Turn start indexes into a Schedule: weeks, dates, quarters, slack and the critical path."""
    jobs = network.jobs
    ends = {j: starts[j] + jobs[j].duration - 1 for j in jobs}
    makespan_index = max(ends.values(), default=-1)
    slack = schedule_slack(network, calendar, starts)
    critical = {j for j, weeks in slack.total.items() if weeks == 0}
    critical_path: list[str] = []
    links: list[Link] = []
    if jobs:
        last = min((j for j in jobs if ends[j] == makespan_index), key=lambda j: (jobs[j].priority, j))
        links = chain_before(network, last, starts, releases, prefer=critical, calendar=calendar)
        critical_path = chain_ids(links, last)

    placed: list[ScheduledActivity] = []
    for j, job in jobs.items():
        start_week = calendar.week(starts[j])
        end_week = calendar.week(ends[j])
        activity = job.activity
        placed.append(
            ScheduledActivity(
                id=j,
                name=activity.name if activity else j,
                start_week=start_week,
                end_week=end_week,
                start_date=calendar.start_date(start_week),
                end_date=calendar.end_date(end_week),
                quarter=calendar.quarter(start_week),
                slack=slack.total[j],
                critical=j in critical,
                people=job.people,
                duration_weeks=job.duration,
                depends_on=job.depends_on,
                partner_type=str(activity.partner_type) if activity else "All",
                goal=activity.goal if activity else "",
                target=activity.target if activity else None,
                priority=f"P{job.priority}",
                phase=job.phase,
                path=job.path,
                free_slack=slack.free[j],
            )
        )
    placed.sort(key=lambda a: (a.start_week, a.end_week, a.id))
    makespan = calendar.week(makespan_index) if jobs else 0
    return Schedule(
        activities=tuple(placed),
        calendar=calendar,
        makespan_weeks=makespan,
        critical_path=tuple(critical_path),
        method=method,
        problems=tuple(problems),
        critical_links=tuple(links),
    )
