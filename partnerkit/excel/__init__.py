"""The Excel door: the planning workbook's buttons as functions taking an ``xw.Book`` (needs xlwings)."""

from partnerkit.excel.actions import (
    ACTIONS,
    evaluate_tiers,
    generate_strategy_report,
    run,
    schedule_roadmap,
    validate,
)

__all__ = ["ACTIONS", "evaluate_tiers", "generate_strategy_report", "run", "schedule_roadmap", "validate"]
