"""Which button was clicked: the companion module's ``main(action)`` runs the button's action.

Each button runs its own macro of the workbook's VBA project (``PartnerkitValidate``...), which calls
the companion module's ``main('validate')``: the action is named, on Windows and macOS alike.
Workbooks built before that ran one macro for every button (xlwings' ``SampleCall``, calling
``main()``); for them the action is found as it was then: the clicked control's caption where Excel
says which control was clicked (Windows: ``Application.Caller``), else the sheet the user acted on.
"""

from __future__ import annotations

from typing import Any

from partnerkit.io.workbook import layout as L

ACTION_BY_CAPTION = {
    "validate": "validate",
    "evaluate tiers": "evaluate_tiers",
    "review tiers": "review_tiers",
    "check terms": "check_terms",
    "schedule roadmap": "schedule_roadmap",
    "generate agreements": "generate_agreements",
    "generate strategy report": "generate_strategy_report",
    "check deals": "check_deals",
    "run payouts": "run_payouts",
    "program actuals": "program_actuals",
}

# The Overview holds every button; without a caption, its fallback is the strategy report, which
# validates first (a superset of what Validate does).
ACTION_BY_SHEET = {
    L.OVERVIEW: "generate_strategy_report",
    L.PARTNERS: "evaluate_tiers",
    L.TIERS: "evaluate_tiers",
    L.FACTS: "evaluate_tiers",
    L.REVIEW: "review_tiers",
    L.ROADMAP: "schedule_roadmap",
    L.SCHEDULE: "schedule_roadmap",
    L.AGREEMENTS: "generate_agreements",
    L.TERMS: "check_terms",
    L.PROBLEMS: "validate",
    L.DEALS: "check_deals",
    L.PAYOUTS: "run_payouts",
    L.SURVEY: "program_actuals",
    L.ACTUALS: "program_actuals",
}


def choose_action(sheet: str | None, caption: str | None) -> str:
    """The action for a click: by the control's caption when known, else by the sheet, else Validate."""
    if caption:
        found = ACTION_BY_CAPTION.get(" ".join(caption.split()).casefold())
        if found:
            return found
    return ACTION_BY_SHEET.get(sheet or "", "validate")


def clicked_caption(book: Any) -> str | None:
    """The caption of the clicked button, where Excel tells (Windows); None elsewhere."""
    try:
        caller = book.app.api.Caller
        if not isinstance(caller, str):
            return None
        caption = book.sheets.active.api.Buttons(caller).Caption
        return caption if isinstance(caption, str) else None
    except Exception:
        # Every engine but Windows Excel lacks Application.Caller; the sheet decides then.
        return None


def main(action: str | None = None) -> None:
    """Run ``action`` (the button's own macro names it) on the calling workbook (``xw.Book.caller()``);
    without one, the action of the clicked control or of the active sheet (older workbooks)."""
    import xlwings as xw

    from partnerkit.excel.actions import run

    book = xw.Book.caller()
    if action is None:
        try:
            sheet = book.sheets.active.name
        except Exception:
            # No active sheet known: Validate (the fallback) is always safe.
            sheet = None
        action = choose_action(sheet, clicked_caption(book))
    run(book, action)
