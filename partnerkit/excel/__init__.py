"""The Excel door: the planning workbook's buttons as functions taking an ``xw.Book`` (needs xlwings)."""

from partnerkit.excel.actions import (
    ACTIONS,
    check_deals,
    evaluate_tiers,
    generate_strategy_report,
    program_actuals,
    run,
    run_payouts,
    schedule_roadmap,
    validate,
)

__all__ = [
    "ACTIONS",
    "check_deals",
    "evaluate_tiers",
    "generate_strategy_report",
    "program_actuals",
    "run",
    "run_payouts",
    "schedule_roadmap",
    "validate",
]
