"""Exceptions for what cannot be reported as a Problem: unreadable files, missing templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnerkit.problems import Problem


class PartnerkitError(Exception):
    """Base of every error partnerkit raises on purpose; its message is meant for the user."""

    exit_code = 2


class UnreadableFileError(PartnerkitError):
    """A file that cannot be read as what it claims to be (empty, binary, not UTF-8, too large...)."""


class TemplateError(PartnerkitError):
    """A Word template that is missing, malformed or unsafe."""


class WorkbookError(PartnerkitError):
    """A workbook that cannot be read or updated safely."""


class ProblemsFound(PartnerkitError):
    """The input has problems, already shown to the user: a door ends with exit code 1.

    The message, when there is one, is the closing line (``plan.yaml: 3 error(s); fix them ...``).
    """

    exit_code = 1


class PlanError(ProblemsFound):
    """A plan with problems, raised by API helpers that need a clean plan; carries every problem."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        count = sum(1 for p in self.problems if p.is_error)
        head = f"{source}: " if source else ""
        lines = [f"{head}{count} problem(s) in the plan"] + [f"  {p}" for p in self.problems if p.is_error]
        super().__init__("\n".join(lines))
