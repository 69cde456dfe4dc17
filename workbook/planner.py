"""Companion module of the planning workbook planner.xlsm: Excel's buttons call main() through xlwings.

Each button's macro imports the Python module named like the workbook and calls its main() with the
button's action (main('validate')), so this file must sit beside the workbook under the same name
(planner.xlsm -> planner.py). ``partnerkit workbook new`` writes it there; keep it unchanged unless
you know why.
"""

import sys

from partnerkit.excel.buttons import main as _main


def main(action: str | None = None) -> None:
    """Run a button's action (see partnerkit.excel.buttons); without one, the clicked button's."""
    _main(action)


if __name__ == "__main__":
    # Run a button from a terminal, with Excel open on planner.xlsm: python planner.py validate
    import xlwings as xw

    xw.Book("planner.xlsm").set_mock_caller()
    main(sys.argv[1] if len(sys.argv) > 1 else None)
