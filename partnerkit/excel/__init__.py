"""The Excel door: the planning workbook's buttons as functions taking an ``xw.Book`` (needs xlwings)."""

from partnerkit.excel.actions import ACTIONS, generate_strategy_report, run, validate

__all__ = ["ACTIONS", "generate_strategy_report", "run", "validate"]
