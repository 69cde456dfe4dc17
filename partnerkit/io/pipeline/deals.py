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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import compress, repeat
from operator import itemgetter
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
# the fields in Deal's order, as the read passes them; and those whose few spellings are converted once each
_FIELDS = (
    "deal_id",
    "account_name",
    "account_domain",
    "partner",
    "touch",
    "stage",
    "amount",
    "currency",
    "registered_on",
    "approved_on",
    "close_date",
    "credit",
    "credit_reason",
    "refunded_on",
)
_BY_SPELLING = frozenset(
    {
        "partner",
        "touch",
        "stage",
        "currency",
        "credit",
        "registered_on",
        "approved_on",
        "close_date",
        "refunded_on",
    }
)
_ALIKE_WHEN_EQUAL = frozenset({str, type(None), date, datetime, UnseenCell})


class _NotAlike(Exception):
    """A cell that may equal a cell of another type (1, 1.0 and True are one key but not one cell)."""


class _Spellings(dict[Any, Any]):
    """Each distinct cell of a column converted once, on its first look-up."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, cell: Any) -> Any:
        if type(cell) not in _ALIKE_WHEN_EQUAL:
            raise _NotAlike
        value = self[cell] = self.convert(cell)
        return value


class _Bad:
    """A cell that broke its rule: the problem's message and hint, to be recorded at the cell."""

    __slots__ = ("hint", "message")

    def __init__(self, message: str, hint: str | None) -> None:
        self.message = message
        self.hint = hint


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
    table = DealsTable(path.name)
    reader = _Reader(table, partners, currency)
    sheets = table_sheets(path, "deals table", unseen=True)  # read with the collector paused, too
    with_ids = [(s, rows) for s, rows in sheets if _names_deals(rows)]
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
        self.seen: dict[tuple[str, str], int] = {}  # (deal id, partner) -> deal row

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
        """Read one table (a CSV or a sheet): column by column, then one pass that builds the deals."""
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
        width = max(cols.values()) + 1
        lines = rows[1:]
        if min(map(len, lines), default=width) < width:
            lines = [
                line if len(line) >= width else [*line, *([None] * (width - len(line)))] for line in lines
            ]
        # Each column is converted whole (most columns repeat a few spellings); a row with a bad or
        # a missing required cell is odd, and only odd rows are looked at cell by cell.
        converted: dict[str, list[Any]] = {}
        odd: set[int] = set()
        names = {c: name for name, c in cols.items()}
        # zip turns the rows into columns in one pass (a row is read once, not once a column); the
        # rows are at least ``width`` long, a longer row's further cells are not read.
        for c, column in zip(range(width), zip(*lines, strict=False), strict=False):
            name = names.get(c)
            if name is None:
                continue
            values, bad, empty = self._column(name, column, header[c])
            converted[name] = values
            if bad or (empty and name in REQUIRED):
                required = name in REQUIRED
                odd.update(i for i, v in enumerate(values) if type(v) is _Bad or (required and v is None))
        count = len(lines)
        good = [i for i in range(count) if i not in odd] if odd else range(count)
        fields = [converted.get(n, repeat(None, count)) for n in _FIELDS]
        if odd:
            keep = [i not in odd for i in range(count)]
            fields = [list(compress(values, keep)) for values in fields]
        plan_currency = self.currency
        built = [
            Deal(
                deal_id=deal_id,
                account_name=account_name,
                account_domain=account_domain,
                partner=partner,
                touch=touch,
                stage=stage,
                amount=amount,
                currency=currency or plan_currency,
                registered_on=registered_on,
                approved_on=approved_on,
                close_date=close_date,
                credit=credit,
                credit_reason=credit_reason,
                refunded_on=refunded_on,
            )
            for (
                deal_id,
                account_name,
                account_domain,
                partner,
                touch,
                stage,
                amount,
                currency,
                registered_on,
                approved_on,
                close_date,
                credit,
                credit_reason,
                refunded_on,
            ) in zip(*fields, strict=True)
        ]
        # What each row has to say, said in row order once every row is known: a row with a bad
        # cell, a row that contradicts itself, or a partner listed twice on a deal (one per row).
        said: list[tuple[int, Callable[[], None]]] = [
            (i, partial(self._odd_row, sheet, i + 1, lines[i], header, cols, converted, i)) for i in odd
        ]
        broken = list(map(deal_row_problems, built))
        if any(broken):
            kept = [k for k, wrong in enumerate(broken) if not wrong]
            said += [
                (good[k], partial(self._broken_row, sheet, good[k] + 1, cols, built[k], wrong))
                for k, wrong in enumerate(broken)
                if wrong
            ]
            built = [built[k] for k in kept]
            rows_kept = [good[k] for k in kept]
        else:
            rows_kept = list(good)
        base = len(table.deals)
        table.deals += built
        table.row_sheet += repeat(sheet_no, len(built))
        table.row_number += [i + 1 for i in rows_kept]
        keys = [(deal.deal_id, deal.partner) for deal in built]
        firsts = dict(zip(keys, range(base, base + len(keys)), strict=True))
        if len(firsts) == len(keys) and self.seen.keys().isdisjoint(firsts):
            self.seen.update(firsts)  # no deal lists a partner twice: the common export
        else:
            for k, key in enumerate(keys):
                first = self.seen.setdefault(key, base + k)
                if first != base + k:
                    said.append(
                        (
                            rows_kept[k],
                            partial(self._listed_twice, sheet, rows_kept[k] + 1, cols, built[k], first),
                        )
                    )
        said.sort(key=itemgetter(0))
        for _, say in said:
            say()

    def _odd_row(
        self,
        sheet: str | None,
        r: int,
        line: list[Any],
        header: list[Any],
        cols: dict[str, int],
        converted: dict[str, list[Any]],
        i: int,
    ) -> None:
        """Report the bad and the missing cells of a row that will not be a deal (a blank row is skipped)."""
        if all(cell in (None, "") for cell in line):
            return
        for name, c in cols.items():
            value = converted[name][i]
            if type(value) is _Bad:
                self.problem(sheet, r, c, value.message, value.hint)
        for name in REQUIRED:
            if converted[name][i] is None:
                self.problem(
                    sheet, r, cols[name], f"{header[cols[name]]!r}: the {_HEADINGS[name].lower()} is empty"
                )

    def _broken_row(
        self, sheet: str | None, r: int, cols: dict[str, int], deal: Deal, broken: list[tuple[str, str]]
    ) -> None:
        """Report a row whose cells are good but contradict each other (it will not be a deal)."""
        for name, message in broken:
            self.problem(sheet, r, cols.get(name, cols["deal_id"]), f"deal {deal.deal_id}: {message}")

    def _listed_twice(self, sheet: str | None, r: int, cols: dict[str, int], deal: Deal, first: int) -> None:
        """Warn of a deal row that names the partner of an earlier row of the same deal."""
        self.problem(
            sheet,
            r,
            cols["partner"],
            f"deal {deal.deal_id} lists {deal.partner} twice (first at {self._first_at(first)})",
            warning=True,
        )

    def _first_at(self, index: int) -> str:
        """Where deal row ``index`` names its partner: the first row of a deal listed twice."""
        table = self.table
        sheet_no = table.row_sheet[index]
        sheet = table.sheets[sheet_no]
        col = None if sheet is None else table.columns[sheet_no]["partner"]
        return table.at(sheet, table.row_number[index], col)

    def _column(self, name: str, column: Sequence[Any], heading: Any) -> tuple[list[Any], bool, bool]:
        """A column's cells as values (None for an empty cell, ``_Bad`` for a broken rule), and
        whether any cell is bad, and any empty. The common cells take a short path that gives what
        the cell's rule gives; the rule itself sees the rest."""
        parse = self._parser(name)
        bad: list[bool] = []
        empty: list[bool] = []

        def convert(cell: Any) -> Any:
            if cell is None or cell == "":
                empty.append(True)
                return None
            if type(cell) is UnseenCell:  # a formula without its value, or an error
                bad.append(True)
                return _Bad(f"{heading!r}: {cell.message}", cell.hint)
            try:
                value = parse(cell)
            except ValueError as exc:
                bad.append(True)
                return _Bad(
                    f"{heading!r} {cell!r}: {exc.args[0]}", exc.args[1] if len(exc.args) > 1 else None
                )
            if value is None:
                empty.append(True)
            return value

        if name in _BY_SPELLING:
            try:
                values = list(map(_Spellings(convert).__getitem__, column))
            except _NotAlike:
                values = [convert(cell) for cell in column]
        elif name in ("deal_id", "account_name", "credit_reason"):
            join = " ".join  # _text's rule for a text cell of at most 400 characters
            values = [join(c.split()) if type(c) is str and 0 < len(c) <= 400 else convert(c) for c in column]
        elif name == "amount":
            plain = _PLAIN_AMOUNT.fullmatch  # what _amount reads as a plain number, unstripped
            values = [Decimal(c) if type(c) is str and plain(c) else convert(c) for c in column]
        elif name == "account_domain":
            values = [(c.strip() or None) if type(c) is str and c else convert(c) for c in column]
        else:
            values = [convert(cell) for cell in column]
        return values, bool(bad), bool(empty)

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
