"""Checks of a facts table against the plan: rows that name no partner of the plan but nearly do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from partnerkit.model.values import did_you_mean, fold_name
from partnerkit.problems import Problem, Severity

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.model.program import TierProgramFile

# A CRM export of thousands of partners outside the plan is normal, not a list of typos.
MAX_STRANGERS = 200


def check_facts_partners(
    plan: Plan | TierProgramFile, names: Sequence[str], source: str | None = None
) -> list[Problem]:
    """A warning for each facts row whose partner is not in the plan but is close to one (a typo)."""
    from partnerkit.model.program import tier_partners

    known = [p.name for _, p in tier_partners(plan, applied_only=False)]
    known_set = {fold_name(name) for name in known}
    strangers = [name for name in names if fold_name(name) not in known_set]
    if not known or len(strangers) > MAX_STRANGERS:
        return []
    found = []
    for name in strangers:
        guess = did_you_mean(name, known)
        if guess:
            found.append(
                Problem(
                    f"facts for {name!r} match no partner of the plan",
                    severity=Severity.WARNING,
                    location=source,
                    hint=f"did you mean {guess!r}?",
                    code="unknown_facts_partner",
                )
            )
    return found
