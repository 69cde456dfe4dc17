"""Read a deals table (a CRM export, CSV or XLSX) into deal rows, every bad cell a problem with its place.

Layout: one header row, then one row per partner touch on a deal. Headers are matched like the
facts table's (case, spaces, dashes and underscores do not matter: "Deal ID" is ``deal_id``), and
each column has the other names CRMs give it (``Opportunity ID``, ``Website``, ``Close Date``...;
``COLUMNS`` lists them). Columns partnerkit does not know are passed over with a warning.

Required: deal id, account name, partner, touch, stage, amount. Optional: account domain,
registered on, approved on, close date, currency (the plan's when absent), credit override and its
reason, refunded on. Every sheet of a workbook whose first row names a deal id column is read.

Cell rules (each broken rule is a problem at ``deals.csv:88`` or ``deals.xlsx: Deals!D17``): dates are
date cells or YYYY-MM-DD text; amounts are plain numbers with at most two decimals ("48000",
not "$48K" or "48,000"); touch is sourced, influenced or referral; stage is the CRM's stage ("Closed
Won", "Closed Lost", any other stage is open); partners must be partners of the plan (with a
did-you-mean). Nothing is guessed; every problem of the table is reported in one run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from partnerkit.io.facts import UnseenCell, header_key, table_sheets
from partnerkit.io.ooxml.refs import letters_at
from partnerkit.model.values import fold_name
from partnerkit.pipeline.deals import CreditOverride, Deal, Touch, deal_row_problems, parse_stage
from partnerkit.problems import Problem, Severity

# canonical field -> the header names (as header_key folds them) that mean it
COLUMNS: dict[str, tuple[str, ...]] = {
    "deal_id": (
        "deal_id",
        "deal",
        "id",
        "opportunity_id",
        "opportunity",
        "deal_number",
        "opportunity_number",
    ),
    "account_name": ("account_name", "account", "company", "company_name", "customer", "customer_name"),
    "account_domain": ("account_domain", "domain", "website", "company_domain", "web_site", "url"),
    "partner": ("partner", "partner_name", "partner_account"),
    "touch": ("touch", "partner_touch", "partner_role", "role", "attribution", "partner_type"),
    "registered_on": ("registered_on", "registered", "registration_date", "registered_at", "date_registered"),
    "approved_on": ("approved_on", "approved", "approval_date", "approved_at", "date_approved"),
    "stage": ("stage", "deal_stage", "opportunity_stage", "status"),
    "close_date": ("close_date", "closed_on", "closed", "close", "closed_date", "expected_close_date"),
    "amount": ("amount", "deal_amount", "value", "acv", "contract_value", "first_year_value"),
    "currency": ("currency", "currency_code", "deal_currency"),
    "credit": ("credit_override", "credit", "override"),
    "credit_reason": ("override_reason", "credit_reason", "reason"),
    "refunded_on": ("refunded_on", "refund_date", "refunded", "churned_on", "churn_date", "churned"),
}
REQUIRED = ("deal_id", "account_name", "partner", "touch", "stage", "amount")
_BY_HEADER = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_HEADINGS = {
    "deal_id": "Deal ID",
    "account_name": "Account Name",
    "account_domain": "Account Domain",
    "partner": "Partner",
    "touch": "Touch",
    "registered_on": "Registered On",
    "approved_on": "Approved On",
    "stage": "Stage",
    "close_date": "Close Date",
    "amount": "Amount",
    "currency": "Currency",
    "credit": "Credit Override",
    "credit_reason": "Override Reason",
    "refunded_on": "Refunded On",
}
"""The column headings partnerkit writes (the shipped example export uses them)."""

_TOUCHES = {
    "sourced": Touch.SOURCED,
    "partner sourced": Touch.SOURCED,
    "source": Touch.SOURCED,
    "referral": Touch.REFERRAL,
    "referred": Touch.REFERRAL,
    "influenced": Touch.INFLUENCED,
    "partner influenced": Touch.INFLUENCED,
    "influence": Touch.INFLUENCED,
}
_CREDITS = {
    "sourced": CreditOverride.SOURCED,
    "influenced": CreditOverride.INFLUENCED,
    "none": CreditOverride.NONE,
    "no credit": CreditOverride.NONE,
}
_PLAIN_AMOUNT = re.compile(r"^\d+(?:\.\d{1,2})?$")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


@dataclass
class DealsTable:
    """A deals table as read: the deal rows, the problems, and where each row sits in the file."""

    source: str
    deals: list[Deal] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheets: list[str | None] = field(default_factory=list)
    columns: list[dict[str, int]] = field(default_factory=list)
    row_sheet: list[int] = field(default_factory=list)
    row_number: list[int] = field(default_factory=list)
    origin: tuple[int, int] | None = None  # a workbook table's header cell: places are ``Deals!D17``

    def at(self, sheet: str | None, row: int, col: int | None) -> str:
        """The place of a cell of the rows read (row 0 is the header)."""
        if self.origin is not None:
            top, left = self.origin
            return f"{sheet}!{letters_at(left + (col or 0))}{top + row + 1}"
        return _where(self.source, sheet, row, col)

    @property
    def ok(self) -> bool:
        """True when no cell broke a rule (warnings allowed)."""
        return not any(p.is_error for p in self.problems)

    def where(self, index: int, name: str | None = None) -> str:
        """``deals.csv:88`` or ``deals.xlsx: Deals!D17`` for deal row ``index`` (and its field)."""
        sheet_no = self.row_sheet[index]
        return self.at(self.sheets[sheet_no], self.row_number[index], self.columns[sheet_no].get(name or ""))

    def place(self, problem: Problem) -> Problem:
        """A problem about ``deals[i].field`` placed at its cell; others at the file."""
        if problem.location:
            return problem
        path = problem.path
        if (
            len(path) >= 2
            and path[0] == "deals"
            and isinstance(path[1], int)
            and 0 <= path[1] < len(self.deals)
        ):
            name = path[2] if len(path) > 2 and isinstance(path[2], str) else None
            return Problem(
                problem.message,
                (),
                problem.severity,
                self.where(path[1], name),
                problem.hint,
                problem.code,
                problem.extra,
            )
        return problem.at(self.source)


def _where(source: str, sheet: str | None, row: int, col: int | None) -> str:
    if sheet is None:
        return f"{source}:{row + 1}"
    return f"{source}: {sheet}!{letters_at(col or 0)}{row + 1}"


def read_deals(path: str | Path, partners: Mapping[str, str], currency: str) -> DealsTable:
    """Read the deals table at ``path``; ``partners`` maps the plan's partner names (``fold_name``) to the names.

    Rows with a bad cell are left out, each bad cell is a problem; a table without deal rows is one.
    Raises UnreadableFileError for a file that is not a CSV or workbook at all.
    """
    from partnerkit.collector import no_gc

    path = Path(path)
    sheets = table_sheets(path, "deals table", unseen=True)
    table = DealsTable(path.name)
    with_ids = [(s, rows) for s, rows in sheets if _names_deals(rows)]
    reader = _Reader(table, partners, currency)
    with no_gc():  # a million rows make millions of small objects that form no cycles
        for sheet, rows in with_ids or sheets:
            reader.read(sheet, rows)
    if with_ids:
        for sheet, rows in sheets:
            if rows and all(sheet != s for s, _ in with_ids):
                table.problems.append(
                    Problem(
                        f"sheet {sheet!r} has no deal id column; it was not read",
                        severity=Severity.WARNING,
                        location=_where(path.name, sheet, 0, 0),
                        code="deals.sheet",
                    )
                )
    if not table.deals and not table.problems:
        # An empty export (a failed CRM query) must not pass silently as "no deals".
        table.problems.append(
            Problem(
                "the deals table has no deal rows",
                location=f"{path.name}:1",
                hint="the first row names the columns (Deal ID, Account Name, Partner, Touch, Stage, Amount, ...)",
                code="deals.empty",
            )
        )
    return table


def read_deal_rows(
    rows: list[list[Any]],
    partners: Mapping[str, str],
    currency: str,
    *,
    sheet: str,
    top: int = 0,
    left: int = 0,
) -> DealsTable:
    """Read a deals table already read from a workbook (its header row, then its data rows), as
    ``read_deals`` reads a file: the same header matching and cell rules, every problem at its cell
    of the sheet (``Deals!D17``, counting from the header at 0-based ``top``, ``left``)."""
    from partnerkit.collector import no_gc

    table = DealsTable(sheet, origin=(top, left))
    with no_gc():
        _Reader(table, partners, currency).read(sheet, rows)
    if not table.deals and not table.problems:
        table.problems.append(
            Problem(
                "the deals table has no deal rows",
                location=table.at(sheet, 1, 0),
                hint="paste the CRM export's rows under the table's header",
                code="deals.empty",
            )
        )
    return table


def _names_deals(rows: list[list[Any]]) -> bool:
    return bool(rows) and any(_BY_HEADER.get(header_key(c)) == "deal_id" for c in rows[0][:500])


class _Reader:
    """Reads header-plus-rows tables into one DealsTable, with caches for the values exports repeat."""

    def __init__(self, table: DealsTable, partners: Mapping[str, str], currency: str) -> None:
        self.table = table
        self.partners = partners
        self.currency = currency
        self.dates: dict[str, date | str] = {}
        self.names: dict[str, str | Problem] = {}
        self.seen: dict[tuple[str, str], str] = {}

    def problem(
        self,
        sheet: str | None,
        row: int,
        col: int | None,
        message: str,
        hint: str | None = None,
        *,
        warning: bool = False,
    ) -> None:
        """Record one problem at a cell."""
        self.table.problems.append(
            Problem(
                message,
                location=self.table.at(sheet, row, col),
                hint=hint,
                severity=Severity.WARNING if warning else Severity.ERROR,
                code="deals",
            )
        )

    def columns(self, sheet: str | None, header: list[Any]) -> dict[str, int] | None:
        """The column of each known field; problems for duplicates, unknown and missing columns."""
        from partnerkit.model.values import did_you_mean

        found: dict[str, int] = {}
        for c, cell in enumerate(header[:500]):
            key = header_key(cell)
            if not key:
                continue
            name = _BY_HEADER.get(key)
            if name is None:
                guess = did_you_mean(key, list(_BY_HEADER))
                hint = f"did you mean {_HEADINGS[_BY_HEADER[guess]]!r}?" if guess else None
                self.problem(
                    sheet, 0, c, f"column {cell!r} is not a deals column; it was not read", hint, warning=True
                )
                continue
            if name in found:
                other = letters_at(found[name])
                self.problem(
                    sheet, 0, c, f"column {cell!r} is {_HEADINGS[name]!r} again (also column {other})"
                )
                return None
            found[name] = c
        missing = [_HEADINGS[n] for n in REQUIRED if n not in found]
        if missing:
            self.problem(
                sheet,
                0,
                0,
                f"the deals table has no {', '.join(repr(m) for m in missing)} column",
                "the first row names the columns: "
                + ", ".join(_HEADINGS[n] for n in REQUIRED)
                + ", and optional ones",
            )
            return None
        return found

    def read(self, sheet: str | None, rows: list[list[Any]]) -> None:
        """Read one table (a CSV or a sheet)."""
        if not rows:
            return
        header = rows[0]
        cols = self.columns(sheet, header)
        if cols is None:
            return
        table = self.table
        sheet_no = len(table.sheets)
        table.sheets.append(sheet)
        table.columns.append(cols)
        parsers: list[tuple[str, int, Callable[[Any], Any]]] = [
            (name, c, self._parser(name)) for name, c in cols.items()
        ]
        width = max(cols.values()) + 1
        for r in range(1, len(rows)):
            line = rows[r]
            if len(line) < width:
                line = [*line, *([None] * (width - len(line)))]
            if all(cell in (None, "") for cell in line):
                continue
            values: dict[str, Any] = {}
            bad = False
            for name, c, parse in parsers:
                cell = line[c]
                if cell is None or cell == "":
                    values[name] = None
                    continue
                if type(cell) is UnseenCell:  # a formula without its value, or an error
                    self.problem(sheet, r, c, f"{header[c]!r}: {cell.message}", cell.hint)
                    bad = True
                    continue
                try:
                    values[name] = parse(cell)
                except ValueError as exc:
                    hint = exc.args[1] if len(exc.args) > 1 else None
                    self.problem(sheet, r, c, f"{header[c]!r} {cell!r}: {exc.args[0]}", hint)
                    bad = True
            for name in REQUIRED:
                if name in values and values[name] is None:
                    self.problem(
                        sheet,
                        r,
                        cols[name],
                        f"{header[cols[name]]!r}: the {_HEADINGS[name].lower()} is empty",
                    )
                    bad = True
            if bad:
                continue
            deal = Deal(
                deal_id=values["deal_id"],
                account_name=values["account_name"],
                account_domain=values.get("account_domain"),
                partner=values["partner"],
                touch=values["touch"],
                stage=values["stage"],
                amount=values["amount"],
                currency=values.get("currency") or self.currency,
                registered_on=values.get("registered_on"),
                approved_on=values.get("approved_on"),
                close_date=values.get("close_date"),
                credit=values.get("credit"),
                credit_reason=values.get("credit_reason"),
                refunded_on=values.get("refunded_on"),
            )
            broken = deal_row_problems(deal)
            for name, message in broken:
                self.problem(sheet, r, cols.get(name, cols["deal_id"]), f"deal {deal.deal_id}: {message}")
            if broken:
                continue
            key = (deal.deal_id, deal.partner)
            first = self.seen.get(key)
            if first is not None:
                self.problem(
                    sheet,
                    r,
                    cols["partner"],
                    f"deal {deal.deal_id} lists {deal.partner} twice (first at {first})",
                    warning=True,
                )
            else:
                self.seen[key] = table.at(sheet, r, None if sheet is None else cols["partner"])
            table.deals.append(deal)
            table.row_sheet.append(sheet_no)
            table.row_number.append(r)

    def _parser(self, name: str) -> Callable[[Any], Any]:
        if name in ("registered_on", "approved_on", "close_date", "refunded_on"):
            return self._date
        if name == "amount":
            return _amount
        if name == "partner":
            return self._partner
        if name == "touch":
            return _choice(_TOUCHES, "a touch", ("sourced", "influenced", "referral"))
        if name == "credit":
            return _choice(_CREDITS, "a credit override", ("sourced", "influenced", "none"))
        if name == "stage":
            return _stage
        if name == "currency":
            return _currency
        if name == "account_domain":
            return _domain
        return _text

    def _date(self, cell: Any) -> date:
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        text = str(cell).strip()
        known = self.dates.get(text)
        if known is None:
            from partnerkit.model.values import parse_date

            try:
                known = parse_date(text)
            except ValueError as exc:
                known = str(exc)
            self.dates[text] = known
        if isinstance(known, str):
            raise ValueError(known)
        return known

    def _partner(self, cell: Any) -> str:
        text = " ".join(str(cell).split())
        known = self.names.get(text)
        if known is None:
            found = self.partners.get(fold_name(text))
            if found is not None:
                known = found
            else:
                from partnerkit.model.values import did_you_mean

                guess = did_you_mean(text, self.partners.values())
                known = Problem(
                    "not a partner of the plan", hint=f"did you mean {guess!r}?" if guess else None
                )
            self.names[text] = known
        if isinstance(known, Problem):
            raise ValueError(known.message, known.hint)
        return known


def _text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # a deal id typed as a number in the sheet
    text = " ".join(str(cell).split())
    if len(text) > 400:
        raise ValueError("is longer than 400 characters")
    return text


def _domain(cell: Any) -> str | None:
    text = str(cell).strip()
    return text or None


def _amount(cell: Any) -> Decimal:
    if isinstance(cell, bool):
        raise ValueError("is not an amount")
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        text = str(cell).strip()
        if _PLAIN_AMOUNT.match(text):
            return Decimal(text)
        value = _money_text(text)
    if not value.is_finite() or value < 0:
        raise ValueError("an amount cannot be negative; record a refund as Refunded On")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("has more than two decimals; amounts are in cents")
    if value >= Decimal("1e12"):
        raise ValueError("is more money than any deal")
    return value


def _money_text(text: str) -> Decimal:
    from pydantic import ValidationError

    from partnerkit.model.values import Money

    try:
        money = Money.model_validate(text)
    except ValidationError as exc:
        error = exc.errors()[0].get("ctx", {}).get("error")
        raise ValueError(
            str(error) if error else "is not an amount; write a plain number such as 48000"
        ) from None
    except InvalidOperation:
        raise ValueError("is not an amount; write a plain number such as 48000") from None
    if money.currency != "USD" or not text.replace(".", "").isdigit():
        raise ValueError("write the amount alone (a plain number) and the currency in the Currency column")
    return money.amount


def _choice(options: Mapping[str, Any], what: str, shown: tuple[str, ...]) -> Callable[[Any], Any]:
    def parse(cell: Any) -> Any:
        key = " ".join(str(cell).replace("-", " ").replace("_", " ").split()).casefold()
        found = options.get(key)
        if found is None:
            from partnerkit.model.values import did_you_mean

            guess = did_you_mean(key, shown)
            raise ValueError(
                f"is not {what} (one of {', '.join(shown)})", f"did you mean {guess!r}?" if guess else None
            )
        return found

    return parse


def _stage(cell: Any) -> Any:
    return parse_stage(str(cell))


def _currency(cell: Any) -> str:
    text = str(cell).strip()
    if not _CURRENCY.match(text):
        raise ValueError("is not an ISO currency code such as 'USD' or 'EUR'")
    return text.upper()


def deals_rows(deals: list[Deal]) -> tuple[list[str], list[list[Any]]]:
    """Deal rows as a header and cells, the way the shipped example export writes them."""
    header = [_HEADINGS[n] for n in COLUMNS]
    out = []
    for d in deals:
        out.append(
            [
                d.deal_id,
                d.account_name,
                d.account_domain or "",
                d.partner,
                d.touch.value,
                d.registered_on.isoformat() if d.registered_on else "",
                d.approved_on.isoformat() if d.approved_on else "",
                d.stage.value,
                d.close_date.isoformat() if d.close_date else "",
                str(d.amount),
                d.currency,
                d.credit.value if d.credit else "",
                d.credit_reason or "",
                d.refunded_on.isoformat() if d.refunded_on else "",
            ]
        )
    return header, out
