"""Placing activities one at a time: the team's free people week by week, fixed starts, the next free window."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from partnerkit.problems import Problem, Severity
from partnerkit.roadmap.calendar import ProgramCalendar
from partnerkit.roadmap.network import EarlyDates, Job, Network


class TeamWeeks:
    """Free people in each working week, grown as far as the schedule reaches."""

    def __init__(self, calendar: ProgramCalendar) -> None:
        self.calendar = calendar
        self.free: list[int] = []
        # first_fit[r]: no week before it has r people free. Free people only ever go down (except
        # when a booking is given back, which resets this), so the pointer only moves on.
        self.first_fit: dict[int, int] = {}
        self.final = calendar.final_capacity
        self.limit = calendar.index_at_or_after(calendar.last_change_week)

    def _grow(self, size: int) -> None:
        free, calendar = self.free, self.calendar
        while len(free) < size:
            free.append(calendar.capacity_in_week(calendar.week(len(free))))

    def fits(self, start: int, weeks: int, people: int) -> bool:
        """True when ``people`` are free in each of ``weeks`` working weeks from ``start``."""
        self._grow(start + weeks)
        return all(self.free[k] >= people for k in range(start, start + weeks))

    def first_start(self, earliest: int, weeks: int, people: int) -> int | None:
        """The first working week from ``earliest`` with ``people`` free for ``weeks`` weeks in a row.

        None when there is none: only for more people than the team has after its last change,
        and only once the weeks before that change are too full.
        """
        # Past `limit` capacity never changes again; a team too small there stays too small.
        bound = self.limit if people > self.final else None
        free = self.free
        pointer = self.first_fit.get(people, 0)
        while True:
            if bound is not None and pointer >= bound:
                return None
            self._grow(pointer + 1)
            if free[pointer] >= people:
                break
            pointer += 1
        self.first_fit[people] = pointer
        start = max(earliest, pointer)
        while True:
            end = start + weeks
            if bound is not None and end > bound:
                return None
            self._grow(end)
            k = end - 1
            # Check the window from its end: the last full week tells how far to jump.
            while k >= start and free[k] >= people:
                k -= 1
            if k < start:
                return start
            start = k + 1

    def take(self, start: int, weeks: int, people: int) -> None:
        """Book ``people`` for ``weeks`` working weeks from ``start``."""
        self._grow(start + weeks)
        for k in range(start, start + weeks):
            self.free[k] -= people

    def give_back(self, start: int, weeks: int, people: int) -> None:
        """Undo a booking."""
        for k in range(start, start + weeks):
            self.free[k] += people
        self.first_fit.clear()


def normal_release(job: Job, calendar: ProgramCalendar) -> int:
    """The first working week a job may start when its fixed start is not kept: its quarter or earliest start."""
    return calendar.index_at_or_after(job.release)


Snapshot = tuple[list[int], dict[int, int], dict[str, int], dict[str, int], int, bool]


class Placer:
    """The serial scheme's placing step: book the fixed starts, then put each job in its first free window.

    With ``keep_fixed`` the fixed starts are booked first (in ``booking_order``) and given back, with
    a warning, when the team or the job's dependencies cannot keep them. Without it a fixed start
    is only a wish: the job is placed from its quarter or earliest start like any other.
    """

    def __init__(
        self,
        network: Network,
        calendar: ProgramCalendar,
        early: EarlyDates,
        booking_order: Mapping[str, tuple[object, ...]],
        *,
        keep_fixed: bool = True,
    ) -> None:
        self.network = network
        self.calendar = calendar
        self.early = early
        self.team = TeamWeeks(calendar)
        self.problems: list[Problem] = []
        self.booked: dict[str, int] = {}
        self.unbooked = False
        jobs = network.jobs
        fixed = [j for j in jobs if jobs[j].fixed is not None]
        self.fixed_ids = tuple(fixed)
        self.releases = dict(early.release)
        if not keep_fixed:
            for j in fixed:
                self.releases[j] = normal_release(jobs[j], calendar)
            return
        for j in sorted(fixed, key=booking_order.__getitem__):
            job = jobs[j]
            index = self.releases[j]
            if self.team.fits(index, job.duration, job.people):
                self.team.take(index, job.duration, job.people)
                self.booked[j] = index
            else:
                self.problems.append(
                    fixed_start_moved(
                        job,
                        "other fixed activities already need the team's people then",
                        "move one of the fixed starts or raise the capacity",
                    )
                )
                self.releases[j] = normal_release(job, calendar)

    def earliest(self, j: str, starts: Mapping[str, int]) -> int:
        """The first week job ``j`` may start: its release and the ends of its dependencies."""
        jobs = self.network.jobs
        return max([self.releases[j], *(starts[d] + jobs[d].duration for d in jobs[j].depends_on)])

    def _unbook(self, fixed_id: str) -> None:
        # A fixed start its dependencies cannot precede: free its weeks for them and say so.
        job = self.network.jobs[fixed_id]
        self.team.give_back(self.booked.pop(fixed_id), job.duration, job.people)
        self.releases[fixed_id] = normal_release(job, self.calendar)
        self.unbooked = True
        if not self.early.start[fixed_id] > self.early.release[fixed_id]:  # else an error already says so
            self.problems.append(
                fixed_start_moved(
                    job,
                    "its dependencies end later with the team's capacity",
                    "raise the priority of what it depends on, or move the fixed start",
                )
            )

    def place(self, j: str, starts: Mapping[str, int]) -> int | None:
        """Put job ``j`` (its dependencies placed in ``starts``) in its first free window; None when none."""
        jobs, team = self.network.jobs, self.team
        job = jobs[j]
        earliest = self.earliest(j, starts)
        for succ in self.network.successors[j]:
            if succ in self.booked:
                trial = team.first_start(earliest, job.duration, job.people)
                if trial is None or trial + job.duration > self.booked[succ]:
                    self._unbook(succ)
        if j in self.booked and self.booked[j] < earliest:
            self._unbook(j)
        start = self.booked.pop(j, None)
        if start is None:
            start = team.first_start(earliest, job.duration, job.people)
            if start is None:
                return None
            team.take(start, job.duration, job.people)
        return start

    def snapshot(self) -> Snapshot:
        """Everything ``place`` changes, to go back to (the exact search tries one order, then another)."""
        fixed = {j: self.releases[j] for j in self.fixed_ids}
        team = self.team
        return (
            team.free[:],
            dict(team.first_fit),
            dict(self.booked),
            fixed,
            len(self.problems),
            self.unbooked,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to a snapshot."""
        free, first_fit, booked, fixed, count, unbooked = snapshot
        self.team.free[:] = free
        self.team.first_fit = dict(first_fit)
        self.booked = dict(booked)
        self.releases.update(fixed)
        del self.problems[count:]
        self.unbooked = unbooked


def fixed_start_moved(job: Job, reason: str, hint: str) -> Problem:
    """The warning for a fixed start the schedule could not keep."""
    return Problem(
        f"fixed start in week {job.fixed} cannot be kept: {reason}; scheduled when the team can",
        path=(*job.path, "fixed_start"),
        severity=Severity.WARNING,
        hint=hint,
        code="fixed-start-moved",
    )


@dataclass(frozen=True)
class SerialPass:
    """One run of the serial scheme: start indexes, the releases it honoured, warnings, or the job that found no room."""

    starts: dict[str, int]
    releases: dict[str, int]
    problems: list[Problem]
    failed: str | None = None
    unbooked: bool = False
