"""CSV for spreadsheets: a header and rows as text, every cell a spreadsheet would run as a formula quoted.

Partner, account and deal names come from CRM exports and plan files, so they are untrusted: a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula when
finance opens the file in Excel. Such a cell gets a leading apostrophe, which Excel shows as text.
A line break inside a cell is written as ``\n`` (a carriage return too), inside the cell's quotes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_STARTS)


def spreadsheet_safe(value: Any) -> Any:
    """``value``, with a leading apostrophe when it is text a spreadsheet would run as a formula, and
    its carriage returns as line breaks."""
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_STARTS:
        value = "'" + value
    if "\r" in value:
        # The csv module quotes a cell holding a line end of the file's ("\n") but not a lone
        # carriage return, which a reader takes for the end of the row: the row would split.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def unquoted(text: str) -> str | None:
    """The text ``spreadsheet_safe`` quoted into ``text`` (``'@Home`` -> ``@Home``); None when it quoted none.

    A reader of partnerkit's own CSVs (the payout summary read back next quarter) tries the cell as
    it is first: ``'@Home`` may also be a name typed with its apostrophe.
    """
    if text[:1] == "'" and text[1:2] in _STARTS:
        return text[1:]
    return None


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The header and rows as CSV text (``\\n`` line ends), every cell made ``spreadsheet_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    safe, starts = spreadsheet_safe, _STARTS
    # the test of the common cell written out: a finding table has millions of cells
    writer.writerows(
        [v if not isinstance(v, str) or (v[:1] not in starts and "\r" not in v) else safe(v) for v in row]
        for row in rows
    )
    return buffer.getvalue()
