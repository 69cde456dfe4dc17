"""Read a facts table (a CRM export) for a loaded plan: the facts, and every problem with its cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.services.plan import require_tiers

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem
    from partnerkit.tiers.facts import FactTable


@dataclass(frozen=True)
class LoadedFacts:
    """A facts table as read: its facts, and its problems (bad cells, partners the plan does not know)."""

    source: str
    table: FactTable
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no cell broke a rule (warnings allowed)."""
        return not any(p.is_error for p in self.problems)


def read_facts(path: str | Path, loaded: LoadedPlan) -> LoadedFacts:
    """Read the facts table at ``path`` with the plan's (or tier program's) fact kinds and tiers.

    Raises UnreadableFileError for a file that is not a CSV or workbook at all.
    """
    from partnerkit.io.facts import load_facts
    from partnerkit.tiers.facts_check import check_facts_partners

    plan = require_tiers(loaded)
    path = Path(path)
    table, problems = load_facts(path, plan.tier_program.facts, [t.name for t in plan.tiers])
    if not any(p.is_error for p in problems):
        problems = [*problems, *check_facts_partners(plan, table.partners, path.name)]
    return LoadedFacts(str(path), table, problems)
