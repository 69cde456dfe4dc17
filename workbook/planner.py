"""Companion module of the planning workbook planner.xlsm: Excel's buttons call main() through xlwings.

The workbook's one macro imports the Python module named like the workbook and calls its main(), so
this file must sit beside the workbook under the same name (planner.xlsm -> planner.py).
``partnerkit workbook new`` writes it there; keep it unchanged unless you know why.
"""

from partnerkit.excel.buttons import main as _main


def main() -> None:
    """Run the action of the button that was clicked (see partnerkit.excel.buttons)."""
    _main()


if __name__ == "__main__":
    # Run a button from a terminal: open planner.xlsm in Excel first.
    import xlwings as xw

    xw.Book("planner.xlsm").set_mock_caller()
    main()
