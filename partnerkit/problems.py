"""Problems: what is wrong with a plan, as data with a place, a field path and a severity."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

FieldPath = tuple[str | int, ...]

REFERS_TO = "refers_to"
"""``Problem.extra`` key: the named entries a problem is about besides its own field, as ``(kind, name)``
pairs such as ``("tier", "Gold")`` (kinds: tier, fact, activity, partner, source, metric). When that
entry failed the schema, the problem may only follow from it, and one round of validation leaves it
for the run after the fix."""

DERIVED_FROM = "derived_from"
"""``Problem.extra`` key: field paths whose values a problem follows from besides its own field (a
schedule's lateness follows from the whole ``("roadmap",)``); used the same way as ``REFERS_TO``."""


class Severity(StrEnum):
    """How bad a problem is: errors block, warnings inform."""

    ERROR = "error"
    WARNING = "warning"


def format_path(path: Sequence[str | int]) -> str:
    """Render a field path the way a person reads it: ``categories.integration.partners[3].margin``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the reader could.

    Checks know values, not places: they fill ``path`` (where in the plan) and leave
    ``location`` empty. The adapter that read the file fills ``location``
    (``plan.yaml:42:7``, ``Partners!D17``, ``facts.csv:88``).
    """

    message: str
    path: FieldPath = ()
    severity: Severity = Severity.ERROR
    location: str | None = None
    hint: str | None = None
    code: str = "invalid"
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        """True when this problem blocks the plan from being used."""
        return self.severity is Severity.ERROR

    @property
    def field(self) -> str:
        """The field path as text, empty for problems of the whole file."""
        return format_path(self.path)

    def at(self, location: str | None) -> Problem:
        """The same problem, placed at ``location``."""
        return replace(self, location=location)

    def __str__(self) -> str:
        parts = [p for p in (self.location, self.field) if p]
        text = self.message if self.severity is Severity.ERROR else f"warning: {self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return ": ".join([*parts, text])

    def sort_key(self) -> tuple[object, ...]:
        """Errors first, then by place: file, line and column (or sheet and cell) in natural order."""
        parts = re.split(r"(\d+)", self.location or "")
        natural = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)
        return (not self.is_error, natural, self.field)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready view, the shape ``--json`` prints."""
        return {
            "severity": self.severity.value,
            "location": self.location,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
            "code": self.code,
        }


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems that block."""
    return [p for p in problems if p.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems that inform."""
    return [p for p in problems if not p.is_error]
