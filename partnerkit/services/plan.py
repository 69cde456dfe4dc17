"""Validate: a loaded plan's problems and its grounding ratio, against an optional minimum."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from partnerkit.errors import PlanError

if TYPE_CHECKING:
    from partnerkit.claims import Grounding
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.model.program import TierProgramFile
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class PlanCheck:
    """What ``validate`` found: every problem, the grounding, and whether the plan passes."""

    source: str
    problems: list[Problem]
    grounding: Grounding | None
    min_grounding: float | None = None
    program: bool = False

    @property
    def errors(self) -> list[Problem]:
        """The problems that block the plan."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that inform."""
        return [p for p in self.problems if not p.is_error]

    @property
    def below_grounding(self) -> bool:
        """True when fewer claims cite a source than ``min_grounding`` asks."""
        return (
            self.grounding is not None
            and self.min_grounding is not None
            and self.grounding.ratio < self.min_grounding
        )

    @property
    def valid(self) -> bool:
        """No errors, and the grounding is at least the minimum asked for."""
        return not self.errors and not self.below_grounding

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit validate --json`` prints."""
        ground = self.grounding
        return {
            "plan": self.source,
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
            "grounding": None
            if ground is None
            else {
                "ratio": round(ground.ratio, 4),
                "cited": ground.cited,
                "claims": len(ground.claims),
                "min": self.min_grounding,
                "uncited": [{"field": c.field, "claim": c.text} for c in ground.uncited],
            },
        }


def check_plan(loaded: LoadedPlan, *, min_grounding: float | None = None) -> PlanCheck:
    """Validate a loaded plan: its problems (found while loading) and the share of claims citing a source."""
    from partnerkit.claims import grounding
    from partnerkit.collector import no_gc

    # A claim per partner: for a large plan, 100,000 tuples that would set off a full collection
    # of the whole plan (half a second for 100,000 partners), for nothing: they form no cycles.
    with no_gc():
        ground = grounding(loaded.plan) if loaded.plan is not None else None
    return PlanCheck(loaded.source, list(loaded.problems), ground, min_grounding, loaded.program is not None)


def require_plan(loaded: LoadedPlan) -> Plan:
    """The usable plan of ``loaded``; PlanError with every problem when it has errors."""
    if loaded.plan is None:
        if loaded.program is not None:
            from partnerkit.problems import Problem

            raise PlanError(
                [
                    Problem(
                        "this is a tier program, not a whole plan: only 'partnerkit tiers', "
                        "'tiers review' and 'validate' read it",
                        code="tier_program_only",
                        hint="add the strategy sections (partnerkit init plan.yaml) to use this command",
                    ).at(loaded.source)
                ],
                loaded.source,
            )
        raise PlanError(loaded.problems, loaded.source)
    return loaded.plan


def require_tiers(loaded: LoadedPlan) -> Plan | TierProgramFile:
    """What the tier engine evaluates in ``loaded``: its plan or its tier program; PlanError otherwise."""
    if loaded.program is not None:
        return loaded.program
    return require_plan(loaded)
