"""Impossible plans, answered with located problems: cycles, unknown dependencies, too few people, deadlines."""

from __future__ import annotations

from collections.abc import Sequence

from partnerkit.model.values import did_you_mean
from partnerkit.problems import REFERS_TO, Problem, Severity, format_path
from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.network import EarlyDates, Network, PlacedActivity, find_cycles

ARROW = " → "


def structure_problems(placed: Sequence[PlacedActivity], calendar: ProgramCalendar) -> list[Problem]:
    """Problems of the roadmap's structure: duplicate ids, unknown dependencies, cycles, dates, people."""
    problems: list[Problem] = []
    first_seen: dict[str, PlacedActivity] = {}
    for item in placed:
        activity = item.activity
        if activity.id in first_seen:
            problems.append(
                Problem(
                    f"activity id {activity.id!r} is used twice (also at {format_path(first_seen[activity.id].path)})",
                    path=(*item.path, "id"),
                    hint="give every activity its own id",
                    code="duplicate-activity",
                )
            )
        else:
            first_seen[activity.id] = item
    known = list(first_seen)
    for item in placed:
        for k, dep in enumerate(item.activity.depends_on):
            if dep not in first_seen:
                guess = did_you_mean(dep, [i for i in known if i != item.activity.id])
                problems.append(
                    Problem(
                        f"depends on {dep!r}, which is not an activity of the roadmap",
                        path=(*item.path, "depends_on", k),
                        hint=f"did you mean {guess!r}?" if guess else "use the id of another activity",
                        code="unknown-dependency",
                        extra={REFERS_TO: (("activity", dep),)},
                    )
                )
    graph = {i: [d for d in first_seen[i].activity.depends_on if d in first_seen] for i in first_seen}
    for cycle in find_cycles(graph, known):
        where = first_seen[cycle[0]]
        closing = where.activity.depends_on.index(cycle[-2])
        message = (
            f"{cycle[0]!r} depends on itself"
            if len(cycle) == 2
            else f"dependency cycle: {ARROW.join(cycle)} (each must end before the next starts)"
        )
        problems.append(
            Problem(
                message,
                path=(*where.path, "depends_on", closing),
                hint="remove one of these dependencies",
                code="dependency-cycle",
                extra={"cycle": cycle},
            )
        )
    for item in placed:
        problems.extend(_date_problems(item, calendar))
        problems.extend(_people_problems(item, calendar))
    return problems


def _date_problems(item: PlacedActivity, calendar: ProgramCalendar) -> list[Problem]:
    activity = item.activity
    dated = [
        name for name in ("earliest_start", "fixed_start", "deadline") if getattr(activity, name) is not None
    ]
    if calendar.start is None:
        return [
            Problem(
                f"{name.replace('_', ' ')} is ignored: the program has no start date to count weeks from",
                path=(*item.path, name),
                severity=Severity.WARNING,
                hint="set roadmap.settings.start, or pass --start",
                code="no-start-date",
            )
            for name in dated
        ]
    problems: list[Problem] = []
    if activity.fixed_start is not None:
        week = calendar.week_containing(activity.fixed_start)
        if week < 1:
            problems.append(
                Problem(
                    f"fixed start {activity.fixed_start.isoformat()} is before the program starts "
                    f"({calendar.start.isoformat()})",
                    path=(*item.path, "fixed_start"),
                    code="fixed-start-impossible",
                )
            )
        elif calendar.is_off(week):
            problems.append(
                Problem(
                    f"fixed start {activity.fixed_start.isoformat()} falls in week {week}, a week off",
                    path=(*item.path, "fixed_start"),
                    hint="move it to a working week or take the week off the list",
                    code="fixed-start-impossible",
                )
            )
    return problems


def _people_problems(item: PlacedActivity, calendar: ProgramCalendar) -> list[Problem]:
    activity = item.activity
    need, weeks = activity.people, activity.duration
    if need <= calendar.final_capacity:
        return []
    first = calendar.index_at_or_after(calendar.first_week_of_quarter(item.release_quarter))
    limit = calendar.index_at_or_after(calendar.last_change_week)
    run = 0
    for index in range(first, limit):
        run = run + 1 if calendar.capacity_in_week(calendar.week(index)) >= need else 0
        if run >= weeks:
            return []
    peak = calendar.peak_capacity
    if need > peak:
        message = (
            f"needs {need} people each week but the team never has more than {peak} ({need - peak} short)"
        )
    else:
        message = (
            f"needs {need} people for {weeks} weeks in a row, but the team is that large for fewer "
            f"weeks in a row from week {calendar.week(first)} on"
        )
    return [
        Problem(
            message,
            path=(*item.path, "people"),
            hint="lower people, split the activity, or raise the team's capacity",
            code="over-capacity",
        )
    ]


def timing_problems(network: Network, calendar: ProgramCalendar, early: EarlyDates) -> list[Problem]:
    """Fixed starts and deadlines that no schedule can meet, even with unlimited people."""
    problems: list[Problem] = []
    for job_id, job in network.jobs.items():
        activity = job.activity
        if job.fixed is not None and early.start[job_id] > early.release[job_id]:
            before = early.driving_chain(network, job_id)[:-1]
            end_week = calendar.week(early.end[before[-1]]) if before else job.fixed
            late = calendar.week(early.start[job_id]) - job.fixed
            when = activity.fixed_start.isoformat() if activity and activity.fixed_start else ""
            problems.append(
                Problem(
                    f"fixed start {when} (week {job.fixed}) cannot be kept: the chain "
                    f"{ARROW.join(before)} ends in week {end_week}, {_weeks(late)} too late",
                    path=(*job.path, "fixed_start"),
                    hint="move the fixed start, or shorten the chain",
                    code="fixed-start-impossible",
                    extra={"chain": before, "weeks_late": late},
                )
            )
        if job.deadline is not None and early.end[job_id] > calendar.index_at_or_before(job.deadline):
            chain = early.driving_chain(network, job_id)
            end_week = calendar.week(early.end[job_id])
            late = end_week - job.deadline
            when = activity.deadline.isoformat() if activity and activity.deadline else ""
            starts = _chain_start(network, calendar, early, chain)
            problems.append(
                Problem(
                    f"deadline {when} (end of week {job.deadline}) cannot be met: the chain "
                    f"{ARROW.join(chain)}{starts} ends in week {end_week} at the earliest, "
                    f"{_weeks(late)} late even with unlimited people",
                    path=(*job.path, "deadline"),
                    hint="move the deadline, shorten the chain, or start it earlier",
                    code="deadline-impossible",
                    extra={"chain": chain, "weeks_late": late},
                )
            )
    return problems


def _chain_start(network: Network, calendar: ProgramCalendar, early: EarlyDates, chain: list[str]) -> str:
    first = chain[0]
    week = calendar.week(early.start[first])
    if week <= 1:
        return ""
    job = network.jobs[first]
    activity = job.activity
    if job.fixed is not None:
        reason = "its fixed start"
    elif (
        activity is not None
        and activity.earliest_start is not None
        and calendar.start is not None
        and calendar.first_week_from(activity.earliest_start) == job.release
    ):
        reason = f"its earliest start, {activity.earliest_start.isoformat()}"
    else:
        reason = f"the start of {job.phase}" if job.phase else "its quarter"
    return f" (starting in week {week}, {reason})"


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def deadline_impossible(network: Network, early: EarlyDates, calendar: ProgramCalendar, job_id: str) -> bool:
    """True when the job's deadline cannot be met even with unlimited people."""
    job = network.jobs[job_id]
    return job.deadline is not None and early.end[job_id] > calendar.index_at_or_before(job.deadline)


def team_runs(calendar: ProgramCalendar, people: int, first: int, limit: int) -> list[tuple[int, int]]:
    """Program weeks (first, last) of each run of working weeks from index ``first`` up to ``limit``
    in which the team has at least ``people``."""
    runs: list[tuple[int, int]] = []
    begin: int | None = None
    for index in range(max(first, 0), limit):
        large = calendar.capacity_in_week(calendar.week(index)) >= people
        if large and begin is None:
            begin = index
        if not large and begin is not None:
            runs.append((calendar.week(begin), calendar.week(index - 1)))
            begin = None
    if begin is not None:
        runs.append((calendar.week(begin), calendar.week(limit - 1)))
    return runs


def _week_runs(runs: Sequence[tuple[int, int]]) -> str:
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    if not shown:
        return "no weeks"
    word = "week" if len(runs) == 1 and runs[0][0] == runs[0][1] else "weeks"
    if len(shown) > 4:
        shown = [*shown[:3], f"{len(shown) - 3} more runs"]
    text = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"{word} {text}"


def _names(ids: Sequence[str], most: int = 5) -> str:
    if len(ids) <= most:
        return ", ".join(ids)
    return ", ".join(ids[:most]) + f" and {len(ids) - most} more"


def shrinking_team_problems(network: Network, calendar: ProgramCalendar, loose: EarlyDates) -> list[Problem]:
    """Activities that need a team larger than it stays, once what they wait for is counted.

    ``loose`` are the earliest dates without fixed starts (the scheduler may move those). The check
    of the structure looks from the activity's quarter; this one, for a roadmap that passed it,
    from the earliest week its dependencies and its earliest start allow.
    """
    final = calendar.final_capacity
    limit = calendar.index_at_or_after(calendar.last_change_week)
    problems: list[Problem] = []
    for job_id, job in network.jobs.items():
        if job.people <= final:
            continue
        first = loose.start[job_id]
        if _longest_run(calendar, job.people, first, limit) >= job.duration:
            continue
        chain = loose.driving_chain(network, job_id)
        if len(chain) > 1:
            reason = f"after {ARROW.join(chain[:-1])}"
        elif job.activity is not None and job.activity.earliest_start is not None:
            reason = f"its earliest start, {job.activity.earliest_start.isoformat()}"
        else:
            reason = f"the start of {job.phase}" if job.phase else "its quarter"
        problems.append(
            Problem(
                f"needs {job.people} people for {_weeks(job.duration)}{' in a row' if job.duration > 1 else ''}, but from week "
                f"{calendar.week(first)} on, the earliest it can start ({reason}), the team is that "
                f"large for fewer weeks in a row",
                path=(*job.path, "people"),
                hint="lower people, split the activity, start what it waits for earlier, or keep the larger team for longer",
                code="over-capacity",
                extra={"chain": chain},
            )
        )
    return problems


def _longest_run(calendar: ProgramCalendar, people: int, first: int, limit: int) -> int:
    best = run = 0
    for index in range(max(first, 0), limit):
        run = run + 1 if calendar.capacity_in_week(calendar.week(index)) >= people else 0
        best = max(best, run)
    return best


def no_room_problem(
    network: Network,
    calendar: ProgramCalendar,
    loose: EarlyDates,
    job_id: str,
    competing: Sequence[str],
    *,
    proven: bool,
    steps: int,
) -> Problem:
    """The problem for an activity that no order of placing fits while the team is large enough for it."""
    job = network.jobs[job_id]
    limit = calendar.index_at_or_after(calendar.last_change_week)
    runs = _week_runs(team_runs(calendar, job.people, loose.start[job_id], limit))
    others = _names(list(competing))
    head = f"needs {job.people} people for {_weeks(job.duration)}{' in a row' if job.duration > 1 else ''}"
    if proven:
        return Problem(
            f"{head}, and the weeks in which the team is that large ({runs}) cannot hold it together "
            f"with the other activities that need them ({others}): no order of the activities fits them all",
            path=(*job.path, "people"),
            hint="lower people, split an activity, or keep the larger team for longer",
            code="over-capacity",
            extra={"activity": job_id, "competing": list(competing)},
        )
    return Problem(
        f"{head}, and partnerkit found no schedule that fits it in the weeks in which the team is that "
        f"large ({runs}) beside the other activities that need them ({others}); the search stopped "
        f"after {steps:,} {'try' if steps == 1 else 'tries'} without proving that none exists",
        path=(*job.path, "people"),
        hint="try 'partnerkit roadmap --optimize', lower people, or keep the larger team for longer",
        code="schedule-not-found",
        extra={"activity": job_id, "competing": list(competing)},
    )


def too_much_work(
    network: Network, calendar: ProgramCalendar, members: Sequence[str], failing: str
) -> Problem | None:
    """A proof by sheer work that no schedule fits, or None.

    ``members`` (the activities needing more people than the team keeps after its last change, and
    what they wait for) must all end before that change. For each team size they need, the
    person-weeks of those needing at least that many people cannot exceed what the team has in
    the weeks it is that large.
    """
    jobs = network.jobs
    limit = calendar.index_at_or_after(calendar.last_change_week)
    weekly = [calendar.capacity_in_week(calendar.week(i)) for i in range(limit)]
    levels = sorted({1, *(jobs[j].people for j in members)})
    for level in levels:
        needing = [j for j in members if jobs[j].people >= level]
        work = sum(jobs[j].people * jobs[j].duration for j in needing)
        room = sum(c for c in weekly if c >= level)
        if work > room:
            job = jobs[failing]
            last = calendar.week(limit - 1) if limit > 0 else 0
            big = sum(1 for j in members if jobs[j].people > calendar.final_capacity)
            waited = f" and the {len(members) - big} they wait for" if len(members) > big else ""
            who = "together they" if level == 1 else f"those needing {level} or more people"
            return Problem(
                f"needs {job.people} people for {_weeks(job.duration)}, and the {big} activities that "
                f"need more people than the team keeps after week {last}{waited} must all end by then: "
                f"{who} need {work:,} person-weeks, and the team has {room:,} in those weeks",
                path=(*job.path, "people"),
                hint="lower people, split activities, or keep the larger team for longer",
                code="over-capacity",
                extra={"activity": failing, "competing": [j for j in needing if j != failing]},
            )
    return None
