"""A loaded plan: the plan, every problem found while loading it, and the locator that places later ones.

The readers (plan files, workbooks) know where each value came from; the checks, the tier engine,
the term lint and the scheduler know only field paths. A ``LoadedPlan`` keeps the reader's source
map as a ``Locator``, so a problem found long after loading still lands on ``plan.yaml:42:7`` or
``Partners!D17`` without the file being parsed again (beancount keeps ``meta`` on every entry for
the same reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from partnerkit.problems import Problem

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile


class Locator(Protocol):
    """Places a problem, known by its field path, at the place in the source it came from."""

    @property
    def source(self) -> str:
        """The name of the source: the file's path, or the workbook's name."""
        ...

    def place(self, problem: Problem) -> Problem:
        """The same problem with its ``location`` filled in (kept as it is when it has one)."""
        ...


@dataclass(frozen=True)
class SourceLocator:
    """The locator of a source without a map (a plan built in Python): every problem at the source's name."""

    source: str = "<plan>"

    def place(self, problem: Problem) -> Problem:
        """The problem at the source's name, unless it is placed already."""
        return problem if problem.location else problem.at(self.source)


@dataclass
class LoadedPlan:
    """A plan as loaded: usable (``plan``) or not (None, with the errors in ``problems``), and its locator.

    A tier program file (tiers without the strategy) loads into ``program``, with ``plan`` None.
    """

    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)
    locator: Locator = field(default_factory=SourceLocator)
    # The plan file (or workbook) it was read from, when there is one: paths written in the plan,
    # such as legal's templates, are relative to its folder.
    path: Path | None = None
    program: TierProgramFile | None = None

    @property
    def source(self) -> str:
        """The name the problems are placed under (the file's path, or the workbook's name)."""
        return self.locator.source

    @property
    def folder(self) -> Path | None:
        """The folder of the plan file, that relative paths in the plan start from (None without a file)."""
        return self.path.parent if self.path is not None else None

    @property
    def ok(self) -> bool:
        """True when the plan (or tier program) loaded without errors (warnings allowed)."""
        return self.plan is not None or self.program is not None

    @property
    def tiers_source(self) -> Plan | TierProgramFile | None:
        """What the tier engine evaluates: the plan, or the tier program file."""
        return self.plan if self.plan is not None else self.program

    def place(self, problems: Iterable[Problem]) -> list[Problem]:
        """Problems found after loading (tiers, lint, roadmap), each at its place in the source."""
        return [self.locator.place(p) for p in problems]

    @classmethod
    def of(cls, plan: Plan, source: str = "<plan>") -> LoadedPlan:
        """A plan built in Python, for the services: problems are placed at ``source``."""
        return cls(plan, [], SourceLocator(source))
