"""What the buttons write back into the workbook, as plain rows: the Problems table, documents, results.

Both doors use it: the Excel bridge writes these rows through xlwings, ``workbook sync`` patches
them into the file. Values meant as text stay text on both paths (see ``as_text``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.layout import PROBLEMS_TABLE, Kind
from partnerkit.model.values import fold_name
from partnerkit.problems import FieldPath, Problem

if TYPE_CHECKING:
    from partnerkit.deals.review import TermsReview
    from partnerkit.model import Plan
    from partnerkit.roadmap.schedule import Schedule

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def problem_rows(problems: Sequence[Problem]) -> list[list[str]]:
    """Rows of the Problems table: severity, sheet, cell, field, message, hint; errors first."""
    rows = []
    for problem in sorted(problems, key=lambda p: p.sort_key()):
        sheet, cell = "", ""
        location = problem.location or ""
        if "!" in location:
            sheet, _, cell = location.rpartition("!")
        elif location:
            sheet = location
        rows.append([problem.severity.value, sheet, cell, problem.field, problem.message, problem.hint or ""])
    return rows


def problems_header() -> list[str]:
    """The Problems table's header row."""
    return PROBLEMS_TABLE.headers


def as_text(value: object) -> object:
    """A value Excel will store as text when written through Excel: a risky string gets a quote prefix.

    Excel reads a string assigned to a cell like typed input, so ``=HYPERLINK(...)`` would become a
    formula; the leading apostrophe is Excel's own "this is text" marker and is not shown.
    """
    if isinstance(value, str) and value.startswith(RISKY_STARTS):
        return "'" + value
    return value


def documents_folder(workbook: str | Path) -> Path:
    """The folder beside the workbook where its documents go: ``planner.xlsm`` -> ``planner documents``."""
    path = Path(workbook)
    return path.parent / f"{path.stem} documents"


# --- results beside the rows --------------------------------------------------------------------------

Columns = dict[str, list[Any]]


def _empty(headers: Sequence[str], rows: int) -> Columns:
    return {h: [None] * rows for h in headers}


def partner_paths(plan: Plan) -> dict[str, FieldPath]:
    """Each partner's name (folded by ``fold_name``) and its place in the plan."""
    return {
        fold_name(partner.name): ("categories", kind.value.lower(), "partners", i)
        for kind, i, partner in plan.categories.all_partners()
    }


class RowFinder(Protocol):
    """Tells which data row of its table holds the record at a field path (a workbook's locator does)."""

    def data_row(self, path: FieldPath) -> int | None:
        """The 0-based data row, or None when the record was not read from a table."""
        ...


def tier_columns(
    plan: Plan, summaries: Sequence[tuple[str, str, str, str]], rows: RowFinder, count: int
) -> Columns:
    """Proposed tier, change and top gaps beside each row of the Partners table (the Evaluate tiers button).

    ``summaries`` holds (partner, tier, change, top gaps) per evaluated partner; ``count`` is the
    number of data rows of the table.
    """
    columns = _empty(("Proposed tier", "Change", "Top gaps"), count)
    paths = partner_paths(plan)
    for name, tier, change, gaps in summaries:
        path = paths.get(fold_name(name))
        row = rows.data_row(path) if path else None
        if row is None or not 0 <= row < count:
            continue
        columns["Proposed tier"][row], columns["Change"][row], columns["Top gaps"][row] = tier, change, gaps
    return columns


def activity_paths(plan: Plan) -> dict[str, FieldPath]:
    """Each roadmap activity's id and its place in the plan."""
    roadmap = plan.roadmap
    paths: dict[str, FieldPath] = {}
    for p, phase in enumerate(roadmap.phases):
        for a, activity in enumerate(phase.activities):
            paths[activity.id] = ("roadmap", "phases", p, "activities", a)
    if roadmap.scale is not None:
        for a, activity in enumerate(roadmap.scale.activities):
            paths[activity.id] = ("roadmap", "scale", "activities", a)
    return paths


def schedule_columns(plan: Plan, schedule: Schedule, rows: RowFinder, count: int) -> Columns:
    """Start, end, quarter and critical flag beside each row of the Activities table (Schedule roadmap)."""
    paths = activity_paths(plan)
    columns = _empty(("Start", "End", "Quarter", "Slack (weeks)", "Critical"), count)
    for item in schedule.activities:
        path = paths.get(item.id)
        row = rows.data_row(path) if path else None
        if row is None or not 0 <= row < count:
            continue
        # Dates as dates (Excel shows them in the column's date format); a roadmap without a start
        # date has only program weeks, written as text.
        columns["Start"][row] = item.start_date or f"week {item.start_week}"
        columns["End"][row] = item.end_date or f"week {item.end_week}"
        columns["Quarter"][row] = item.quarter_label
        columns["Slack (weeks)"][row] = item.slack
        columns["Critical"][row] = L.YES if item.critical else ""
    return columns


def summary_values(schedule: Schedule | None, note: str = "") -> list[Any]:
    """The Value column of the Schedule sheet's summary (``layout.SUMMARY_ROWS``), one value per row."""
    if schedule is None:
        return [
            None,
            None,
            None,
            None,
            note or "the roadmap cannot be scheduled: see the Problems sheet",
            None,
        ]
    path = " > ".join(schedule.critical_path)
    return [
        len(schedule.activities),
        schedule.makespan_weeks,
        schedule.start,
        schedule.end_date,
        path or "none",
        schedule.method + (f" ({note})" if note else ""),
    ]


def status_values(
    problems: Sequence[Problem],
    grounding: float | None,
    ran: datetime,
    button: str,
    review_date: date | None,
) -> list[Any]:
    """The Value column of the Overview's Status table (``layout.STATUS_ROWS``), one value per row."""
    errors = sum(1 for p in problems if p.is_error)
    return [errors, len(problems) - errors, grounding, ran.replace(microsecond=0), button, review_date]


# --- the tier review ---------------------------------------------------------------------------------

# The words of each part of ``TierReviewResult.to_dict()``; a part the review gains later is worded
# from its key ("holds" -> "Holds"), and a field no column names goes to Detail as "field: value".
REVIEW_SECTIONS = {
    "as_of": "Review date",
    "proposals": "Proposal to approve",
    "holds": "Partners keeping their tier",
    "expiring": "Certification expiring",
    "unknown": "Unknown facts",
    "per_quarter": "Benefit cost per quarter",
    "total_per_quarter": "Benefits total per quarter",
    "budget_per_quarter": "Benefits budget per quarter",
    "over_budget": "Over budget",
    "notes": "Note",
}
REVIEW_FIELDS = {
    "partner": "Partner",
    "current_tier": "Tier",
    "tier": "Tier",
    "proposed_tier": "Proposed tier",
    "change": "Change",
    "effective": "Effective",
    "partners": "Partners",
    "co_marketing_per_partner": "Per partner",
    "co_marketing_total": "Amount",
    "reason": "Detail",
    "warning": "Detail",
    "facts": "Detail",
}
_QUIET = {"needs_approval", "currency"}  # said by the sheet itself (every proposal needs approval)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY = re.compile(r"budget|total|cost|amount|price|fee|revenue")


def _words(key: str) -> str:
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _amount(value: Any) -> float | None:
    """Money as a number: a float, a Decimal, ``"1500.00"``, ``"1500 USD"`` or ``{"amount": ...}``."""
    if isinstance(value, Mapping):
        value = value.get("amount")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    try:
        return float(Decimal(str(value).split()[0].replace(",", "")))
    except (InvalidOperation, IndexError):
        return None


def _typed(header: str, value: Any) -> Any:
    kind = L.REVIEW_TABLE.column(header).kind
    if value is None:
        return None
    if kind is Kind.DATE:
        if isinstance(value, str) and _ISO_DATE.match(value):
            return date.fromisoformat(value)
        return value if isinstance(value, date) else str(value)
    if kind is Kind.MONEY:
        return _amount(value)
    if kind is Kind.INT:
        return value if isinstance(value, int) and not isinstance(value, bool) else _amount(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _review_row(section: str, item: Mapping[str, Any]) -> list[Any]:
    cells: dict[str, Any] = {"Section": section}
    extra: list[str] = []
    for key, value in item.items():
        header = REVIEW_FIELDS.get(key)
        if key in _QUIET or value is None:
            continue
        if header is None or (header in cells and header != "Detail"):
            shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
            extra.append(f"{_words(key)}: {shown}")
            continue
        typed = _typed(header, value)
        if header == "Detail" and "Detail" in cells:
            cells["Detail"] = f"{cells['Detail']}; {typed}"
        else:
            cells[header] = typed
    if extra:
        cells["Detail"] = "; ".join([*([cells["Detail"]] if cells.get("Detail") else []), *extra])
    return [cells.get(h) for h in L.REVIEW_TABLE.headers]


def review_rows(review: Mapping[str, Any]) -> list[list[Any]]:
    """The Review table's rows from a tier review's JSON shape (``TierReviewResult.to_dict()``).

    One row per finding, in the review's order; every part is read by its shape (a list of records,
    a list of texts, a section of parts, a number), so a part the review gains later gets rows too.
    """
    rows: list[list[Any]] = []

    def walk(data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            section = REVIEW_SECTIONS.get(key, _words(key))
            if key in _QUIET or value is None:
                continue
            if isinstance(value, Mapping):
                walk(value)
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, Mapping):
                        rows.append(_review_row(section, item))
                    else:
                        rows.append(_review_row(section, {"reason": item}))
            elif key == "as_of":
                rows.append(_review_row(section, {"effective": value}))
            elif _MONEY.search(key) and _amount(value) is not None:
                rows.append(_review_row(section, {"co_marketing_total": value}))
            elif isinstance(value, int) and not isinstance(value, bool):
                rows.append(_review_row(section, {"partners": value}))
            elif _amount(value) is not None and not isinstance(value, bool):
                rows.append(_review_row(section, {"co_marketing_total": value}))
            else:
                rows.append(_review_row(section, {"reason": value}))

    walk(review)
    return rows


# --- the terms -----------------------------------------------------------------------------------------


def _fraction(plain: Any) -> float | None:
    if isinstance(plain, str) and plain.strip().endswith("%"):
        try:
            return float(Decimal(plain.strip()[:-1]) / 100)
        except InvalidOperation:
            return None
    return None


def terms_rows(reviews: Sequence[TermsReview]) -> list[list[Any]]:
    """The Terms table's rows: per partner its agreement, tier, share or discount, changes and findings."""
    rows: list[list[Any]] = []
    for review in reviews:
        terms = review.terms
        findings = "; ".join(
            f"{'error' if f.is_error else 'warning'}: {', '.join(f.fields)}: {f.message}"
            for f in review.findings
        )
        if terms is None:
            rows.append([review.partner.name, "none", None, None, None, None, None, None, review.note or ""])
            continue
        key = "revenue_share" if terms.kind.value == "integration" else "partner_discount"
        share = terms.term(key)
        rows.append(
            [
                review.partner.name,
                terms.title.replace(" Partnership Agreement", "").replace(" Agreement", ""),
                terms.tier,
                _fraction(share.plain),
                share.origin.label,
                len(terms.deviations()),
                len(review.errors),
                len(review.warnings),
                findings or None,
            ]
        )
    return rows


# --- running the program: deals, payouts, actuals -------------------------------------------------------


def number_value(value: Decimal | None) -> float | int | None:
    """An exact amount as Excel stores numbers; whole numbers stay whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


def deal_columns(check: Any, data_rows: Sequence[int], count: int) -> Columns:
    """Registration, protection end, findings and why beside each row of the Deals table (Check deals).

    ``check`` is the service's ``DealCheck``; ``data_rows[i]`` is the 0-based data row of deal ``i``
    (rows with a bad cell are no deals and stay empty).
    """
    columns = _empty(("Registration", "Protected until", "Finding", "Why"), count)
    registrations = check.check
    findings: dict[int, list[Any]] = {}
    for finding in registrations.findings:
        findings.setdefault(finding.row, []).append(finding)
    for i, row in enumerate(data_rows):
        if not 0 <= row < count:
            continue
        columns["Registration"][row] = registrations.status[i].value
        columns["Protected until"][row] = registrations.protected_until[i]
        found = sorted(findings.get(i, []), key=lambda f: f.kind.value)
        if found:
            columns["Finding"][row] = ", ".join(f.kind.value for f in found)
            columns["Why"][row] = "; ".join(f.reason for f in found)
    return columns


def payout_rows(run: Any) -> list[list[Any]]:
    """The Payouts table's rows: one per statement of the run (``PayoutRun``), then the run's total."""
    from partnerkit.payouts.statements import SUMMARY_AMOUNTS

    rows: list[list[Any]] = []
    for s in run.statements:
        row = s.summary_row()
        rows.append(
            [
                s.partner,
                row["category"],
                row["tier"] or None,
                row["period"],
                row["currency"],
                *(number_value(row[k]) for k in SUMMARY_AMOUNTS),
                row["status"],
            ]
        )
    totals = run.totals()
    sourced = sum((s.sourced_revenue for s in run.statements), Decimal(0))
    net = sum((s.net for s in run.statements), Decimal(0))
    rows.append(
        [
            L.RUN_TOTAL,
            None,
            None,
            totals["period"],
            totals["currency"],
            *(
                number_value(v)
                for v in (
                    sourced,
                    totals["earned"],
                    totals["clawed_back"],
                    totals["accelerator"],
                    net,
                    totals["carried_in"],
                    totals["payable"],
                    totals["carried_out"],
                )
            ),
            f"paid to {totals['paid']} of {totals['partners']} partners",
        ]
    )
    return rows


def _metric_value(value: Decimal | None, unit: str) -> Any:
    # A percentage metric's target shows as the plan writes it ("35%"); counts, money and NPS as numbers.
    if value is None:
        return None
    if unit == "percent":
        from partnerkit.model.values import format_percent

        return format_percent(value)  # the plan's own words: "35%"
    return number_value(value)


def actuals_rows(result: Any, currency: str = "USD") -> list[list[Any]]:
    """The Actuals table's rows from the service's ``ActualsResult``: each metric per period, then each
    tier (its costs in ``currency``, the plan's)."""
    from partnerkit.model.values import Money, format_money, format_percent

    def money(amount: Decimal) -> str:
        return format_money(Money(amount=amount, currency=currency))

    headers = L.ACTUALS_TABLE.headers
    rows: list[list[Any]] = []
    for m in result.metrics:
        detail = [f"{m.start.isoformat()} to {m.end.isoformat()}", m.status]
        if m.source:
            detail.insert(1, f"from {m.source}")
        cells = {
            "Section": "Metric",
            "Item": m.metric,
            "Period": m.period,
            "Target": _metric_value(m.target, m.unit.value),
            "Actual": _metric_value(m.actual, m.unit.value),
            "Attainment": None if m.attainment is None else float(m.attainment),
            "Variance": _metric_value(m.variance, m.unit.value),
            "Responses": None if m.nps is None else m.nps.responses,
            "Detail": "; ".join(detail),
        }
        rows.append([cells.get(h) for h in headers])
    for t in result.economics:
        parts = [
            f"co-marketing {money(t.co_marketing)}",
            f"revenue share {money(t.revenue_share)}",
            f"other payouts {money(t.other_payouts)}",
        ]
        if t.cost_ratio is not None:
            parts.append(f"cost is {format_percent(t.cost_ratio)} of sourced revenue")
        cells = {
            "Section": "Program economics",
            "Item": t.tier,
            "Period": t.period.label,
            "Partners": t.partners,
            "Benefit cost": number_value(t.total_cost),
            "Sourced revenue": number_value(t.sourced_revenue),
            "Cost per partner": number_value(t.cost_per_partner),
            "Break-even revenue per partner": number_value(t.break_even_revenue_per_partner),
            "Detail": "; ".join(parts),
        }
        rows.append([cells.get(h) for h in headers])
    return rows
