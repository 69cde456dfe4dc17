"""Which button was clicked: the companion module's ``main()`` dispatches each button to its action.

All buttons run the workbook's one macro (xlwings' ``SampleCall``), which calls ``main()``. Where
Excel says which control was clicked (Windows: ``Application.Caller``), its caption picks the action;
otherwise the sheet the user acted on does: each working sheet carries the button for its own job.
"""

from __future__ import annotations

from typing import Any

from partnerkit.io.workbook import layout as L

ACTION_BY_CAPTION = {
    "validate": "validate",
    "evaluate tiers": "evaluate_tiers",
    "schedule roadmap": "schedule_roadmap",
    "generate agreements": "generate_agreements",
    "generate strategy report": "generate_strategy_report",
}

# The Overview holds every button; without a caption, its fallback is the strategy report, which
# validates first (a superset of what Validate does).
ACTION_BY_SHEET = {
    L.OVERVIEW: "generate_strategy_report",
    L.PARTNERS: "evaluate_tiers",
    L.TIERS: "evaluate_tiers",
    L.ROADMAP: "schedule_roadmap",
    L.AGREEMENTS: "generate_agreements",
    L.PROBLEMS: "validate",
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


def main() -> None:
    """Run the clicked button's action on the calling workbook (``xw.Book.caller()``)."""
    import xlwings as xw

    from partnerkit.excel.actions import run

    book = xw.Book.caller()
    try:
        sheet = book.sheets.active.name
    except Exception:
        # No active sheet known: Validate (the fallback) is always safe.
        sheet = None
    run(book, choose_action(sheet, clicked_caption(book)))
