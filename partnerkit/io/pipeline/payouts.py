"""Payout files for finance: a CSV of each partner's statement lines, the run summary, and reading it back.

``summary.csv`` has one row per statement (the columns of ``Statement.summary_row``) and a last row
``Total``. The next run reads its ``carried_out`` column as the balances brought forward
(``read_carried_over``). Amounts are written exactly, with two decimals; a text cell a spreadsheet
would run as a formula gets a leading quote (partner and account names are untrusted).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from partnerkit.io.csvtext import csv_text, unquoted
from partnerkit.io.facts import header_key, table_sheets
from partnerkit.io.files import digest_of, partner_file_stems, write_bytes_atomic
from partnerkit.model.values import fold_name
from partnerkit.payouts.statements import SUMMARY_AMOUNTS, PayoutRun, Statement
from partnerkit.problems import Problem

LINE_COLUMNS = [
    "partner",
    "period",
    "kind",
    "takes_back",
    "deal_id",
    "account",
    "date",
    "base",
    "rate",
    "amount",
    "note",
]
SUMMARY_COLUMNS = ["partner", "category", "tier", "period", "currency", *SUMMARY_AMOUNTS, "status"]
TOTAL = "Total"


def statement_stems(run: PayoutRun) -> list[str]:
    """The file name, without its suffix, of each statement of ``run``: its partner's, told apart
    (``files.partner_file_stems``), so that no partner's statement is written over another's."""
    return partner_file_stems(s.partner for s in run.statements)


def statement_csv(statement: Statement) -> str:
    """One partner's statement lines as CSV (rates as fractions, amounts with two decimals)."""
    rows = [
        [
            statement.partner,
            statement.period.label,
            line.kind.value,
            line.takes_back.value if line.takes_back else "",
            line.deal_id,
            line.account,
            line.day.isoformat() if line.day else "",
            line.base,
            line.rate,
            line.amount,
            line.note,
        ]
        for line in statement.lines
    ]
    return csv_text(LINE_COLUMNS, rows)


def summary_csv(run: PayoutRun) -> str:
    """The run summary: a row per statement and a Total row."""
    rows = [list(map(row.__getitem__, SUMMARY_COLUMNS)) for row in (s.summary_row() for s in run.statements)]
    totals = run.totals()
    rows.append(
        [
            TOTAL,
            "",
            "",
            run.period.label,
            run.currency,
            sum((s.sourced_revenue for s in run.statements), Decimal(0)),
            totals["earned"],
            totals["clawed_back"],
            totals["accelerator"],
            totals["earned"] + totals["clawed_back"] + totals["accelerator"],
            totals["carried_in"],
            totals["payable"],
            totals["carried_out"],
            f"{totals['paid']} of {totals['partners']} paid",
        ]
    )
    return csv_text(SUMMARY_COLUMNS, rows)


def write_summary_csv(run: PayoutRun, folder: Path) -> tuple[Path, str]:
    """Write the run's ``summary.csv`` into ``folder``: its path and the SHA-256 of the bytes written.

    Written whole or not at all, without a flush of its own: the run flushes the folder once, when
    every file is in it (docs/word.md, "Durability").
    """
    folder.mkdir(parents=True, exist_ok=True)
    data = summary_csv(run).encode("utf-8")
    return write_bytes_atomic(folder / "summary.csv", data, durable=False), digest_of(data)


def statement_csv_writer(run: PayoutRun, folder: Path) -> Callable[[int], tuple[Path, str]]:
    """What writes the CSV of the run's statement number ``index`` into ``folder``: its path and the
    SHA-256 of the bytes written (what ``.partnerkit-written.json`` records).

    It runs in whichever process writes that partner's Word statement (``render_statements``'
    ``alongside``), so both files of a partner are one item of work; like the summary, each file is
    written whole or not at all, and the folder is flushed once at the end.
    """
    stems = statement_stems(run)

    def write(index: int) -> tuple[Path, str]:
        # The digest of the bytes in hand: the run records what it wrote without reading thousands
        # of files back (and never a change made since).
        data = statement_csv(run.statements[index]).encode("utf-8")
        return write_bytes_atomic(folder / f"{stems[index]}.csv", data, durable=False), digest_of(data)

    return write


def read_carried_over(path: str | Path, partners: dict[str, str]) -> tuple[dict[str, Decimal], list[Problem]]:
    """The ``carried_out`` balance of each partner in a previous run's ``summary.csv``, and the problems.

    ``partners`` maps the plan's partner names (``fold_name``) to the names; the Total row is skipped.
    """
    path = Path(path)
    balances: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for sheet, rows in table_sheets(path, "payout summary"):
        if not rows:
            continue
        keys = [header_key(c) for c in rows[0]]
        if "partner" not in keys or "carried_out" not in keys:
            problems.append(
                Problem(
                    "a payout summary needs 'partner' and 'carried_out' columns (the summary.csv of a payout run)",
                    location=f"{path.name}:1" if sheet is None else f"{path.name}: {sheet}!A1",
                    code="payouts.carried-over",
                )
            )
            continue
        pc, cc = keys.index("partner"), keys.index("carried_out")
        for r, line in enumerate(rows[1:], start=2):
            name = str(line[pc]).strip() if pc < len(line) and line[pc] is not None else ""
            if not name or name == TOTAL:
                continue
            where = f"{path.name}:{r}" if sheet is None else f"{path.name}: {sheet}!{r}"
            partner = partners.get(fold_name(name))
            if partner is None and (original := unquoted(name)) is not None:
                # written quoted, so that a spreadsheet shows it and does not run it (io/csvtext.py)
                partner = partners.get(fold_name(original))
            raw = line[cc] if cc < len(line) else None
            try:
                amount = Decimal(str(raw).strip() or "0") if raw is not None else Decimal(0)
            except InvalidOperation:
                problems.append(
                    Problem(
                        f"carried_out {raw!r} is not an amount", location=where, code="payouts.carried-over"
                    )
                )
                continue
            if partner is None:
                problems.append(
                    Problem(
                        f"partner {name!r} is not a partner of the plan",
                        location=where,
                        code="payouts.carried-over",
                    )
                )
                continue
            if amount:
                balances[partner] = balances.get(partner, Decimal(0)) + amount
    return balances, problems
