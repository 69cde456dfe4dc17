"""Every finding of a deals check as a CSV table, for a partner manager to sort and filter in a spreadsheet.

One row per finding, in the order the reports list them (kind, then deal id, partner and row), with
the place of its row in the export (``deals.csv:88``), the registration it lost to and the end of
that protection. A terminal shows the first findings of each kind; a million-row export has a few
hundred thousand, and this table holds every one. Names come from the CRM, so a cell a spreadsheet
would run as a formula is quoted (io/csvtext.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from partnerkit.io.csvtext import csv_text
from partnerkit.io.files import write_text_atomic
from partnerkit.pipeline.registrations import Finding

FINDINGS_COLUMNS = [
    "kind",
    "severity",
    "deal_id",
    "partner",
    "account",
    "domain",
    "where",
    "winner",
    "winner_deal_id",
    "protected_until",
    "reason",
]


def findings_rows(findings: Sequence[Finding], location: Callable[[Finding], str]) -> Iterator[list[Any]]:
    """A row of ``FINDINGS_COLUMNS`` per finding, in the order given; ``location`` places its row."""
    for f in findings:
        d, w = f.deal, f.winner
        yield [
            f.kind.value,
            f.severity.value,
            d.deal_id,
            d.partner,
            d.account_name,
            d.account_domain or "",
            location(f),
            "" if w is None else w.partner,
            "" if w is None else w.deal_id,
            f.protected_until.isoformat() if f.protected_until else "",
            f.reason,
        ]


def findings_csv(findings: Sequence[Finding], location: Callable[[Finding], str]) -> str:
    """The findings as CSV text: the header, then a row per finding."""
    return csv_text(FINDINGS_COLUMNS, findings_rows(findings, location))


def write_findings_csv(path: Path, findings: Sequence[Finding], location: Callable[[Finding], str]) -> Path:
    """Write the findings table to ``path`` (its folder made if need be), whole or not at all; the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, findings_csv(findings, location))
