"""Actuals and program economics: metrics against targets, partner NPS, and what each tier costs."""

from partnerkit.actuals.economics import NO_TIER, TierEconomics, tier_economics
from partnerkit.actuals.metrics import (
    ActualRow,
    MetricWindow,
    active_partners,
    metric_actuals,
    metric_windows,
)
from partnerkit.actuals.nps import NetPromoterScore, SurveyResponse, net_promoter_score, score_problem

__all__ = [
    "NO_TIER",
    "ActualRow",
    "MetricWindow",
    "NetPromoterScore",
    "SurveyResponse",
    "TierEconomics",
    "active_partners",
    "metric_actuals",
    "metric_windows",
    "net_promoter_score",
    "score_problem",
    "tier_economics",
]
