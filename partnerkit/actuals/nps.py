"""Partner NPS from survey responses: % promoters (9-10) minus % detractors (0-6), with the counts.

There is no reliable public benchmark for partner NPS, so partnerkit never invents a target: a
metric's target is whatever the plan says, or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from partnerkit.pipeline.periods import Period


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    """One answer to "how likely are you to recommend partnering with us?", 0 to 10."""

    responded_on: date
    score: int
    partner: str | None = None


def score_problem(score: object) -> str | None:
    """Why a value is not an NPS answer (a whole number 0-10), or None when it is one."""
    if isinstance(score, bool) or not isinstance(score, int):
        return f"expected a whole number from 0 to 10, got {score!r}"
    if not 0 <= score <= 10:
        return f"{score} is outside 0-10"
    return None


@dataclass(frozen=True)
class NetPromoterScore:
    """The counts of promoters, passives and detractors, and the score they make."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        """How many answers were counted."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Decimal | None:
        """% promoters minus % detractors, to one decimal (ROUND_HALF_EVEN); None without responses."""
        if not self.responses:
            return None
        exact = Decimal(100 * (self.promoters - self.detractors)) / Decimal(self.responses)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "score": None if self.score is None else str(self.score),
            "responses": self.responses,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
        }


def net_promoter_score(
    responses: Iterable[SurveyResponse],
    period: Period | None = None,
    partners: set[str] | None = None,
) -> NetPromoterScore:
    """The NPS of the responses given in ``period`` (all when None), by ``partners`` (all when None)."""
    promoters = passives = detractors = 0
    for answer in responses:
        if period is not None and answer.responded_on not in period:
            continue
        if partners is not None and answer.partner not in partners:
            continue
        if answer.score >= 9:
            promoters += 1
        elif answer.score >= 7:
            passives += 1
        else:
            detractors += 1
    return NetPromoterScore(promoters, passives, detractors)
