"""The planning workbook's layout: each sheet, table and column, and which plan field each cell holds.

One layout serves every door: ``build`` writes it, ``read`` reads it with python-calamine, the Excel
bridge reads and writes it through xlwings, and ``sync`` patches the result columns. The kind of each
column (percentage, money, date, choice...) comes from the plan model, so the workbook cannot drift
from the plan.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from functools import cache
from typing import Any

from pydantic import BaseModel

from partnerkit.io.ooxml.refs import cell_at, letters_at
from partnerkit.model import (
    Activity,
    Assumption,
    CategoryKind,
    DistributionPartner,
    EcosystemPartner,
    IntegrationPartner,
    Metric,
    Money,
    Plan,
    Source,
    Target,
    Tier,
    TierCriterion,
)
from partnerkit.model.deals import OVERRIDABLE_TERMS
from partnerkit.model.partners import TermOverride
from partnerkit.model.rules import FactSpec
from partnerkit.model.values import parse_date, parse_percent


class Kind(StrEnum):
    """What a cell holds, which decides its number format, its dropdown and how it is read back."""

    TEXT = "text"
    CHOICE = "choice"
    PERCENT = "percent"
    MONEY = "money"
    DATE = "date"
    INT = "int"
    BOOL = "bool"
    IDS = "ids"  # a list of ids written "S1, S2"
    TEXTS = "texts"  # a list of texts: one (Field, Value) row each, e.g. strategic_goals[1]
    INTS = "ints"  # a list of whole numbers written "3, 7"
    WEEKS = "weeks"  # a week range written "5-8"
    VALUE = "value"  # a number, a yes/no or a text, kept as typed (quarter targets)
    METRIC = "metric"  # a number whose meaning follows the row's unit
    RULE = "rule"  # a tier rule in the rule language, written as a one-line mapping
    FACT = "fact"  # a partner fact: a number, yes/no, a date or a text, kept as typed
    DATETIME = "datetime"  # a moment (the last run), written by partnerkit only
    CENTS = "cents"  # money to the cent (deal amounts, payouts), in the plan's currency format
    NUMBER = "number"  # a result number whose unit varies by row (a metric's target), shown as typed


YES, NO = "Yes", "No"


@dataclass(frozen=True)
class Column:
    """A table column: its header, the field it holds (a path inside the row) and its kind."""

    header: str
    path: tuple[str, ...]
    kind: Kind = Kind.TEXT
    choices: tuple[str, ...] = ()
    width: float = 14
    result: bool = False  # written by partnerkit (tiers, schedule), never read into the plan
    source: str | None = None  # a list validation from another table, e.g. "Tiers[Name]"
    optional: bool = False  # a workbook built before this column existed still reads (with a warning)
    wrap: bool = False  # long text: wrapped in its cell


@dataclass(frozen=True)
class Table:
    """An Excel table of the workbook: its name, its sheet, its top-left cell and its columns."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    first_col: int = 0  # 0-based column of the header's first cell
    first_row: int = 2  # 0-based row of the header: rows 1-2 hold the sheet's title and its buttons
    key_value: bool = False  # a two-column (Field, Value) table of single plan fields
    title: str = ""  # the heading shown above a table that shares its sheet with others

    @property
    def headers(self) -> list[str]:
        """The column headers, in order."""
        return [c.header for c in self.columns]

    def column(self, header: str) -> Column:
        """The column with this header."""
        for col in self.columns:
            if col.header == header:
                return col
        raise KeyError(header)

    @property
    def inputs(self) -> list[Column]:
        """Columns the plan is read from (every column but partnerkit's results)."""
        return [c for c in self.columns if not c.result]

    @property
    def results(self) -> list[Column]:
        """Columns partnerkit writes (tiers, gaps, schedule)."""
        return [c for c in self.columns if c.result]


# --- kinds from the model ------------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The core type of an annotation and the metadata of its Annotated layers, without Optional."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation, metadata = args[0], [*metadata, *args[1:]]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) and args:
            rest = [a for a in args if a is not type(None)]
            if len(rest) != 1:
                return annotation, metadata
            annotation = rest[0]
        else:
            return annotation, metadata


def _kind_of(annotation: Any, metadata: list[Any]) -> tuple[Kind, tuple[str, ...]]:
    core, more = _unwrap(annotation)
    metadata = [*metadata, *more]
    funcs = {getattr(m, "func", None) for m in metadata}
    if parse_percent in funcs:
        return Kind.PERCENT, ()
    if parse_date in funcs or core is date:
        return Kind.DATE, ()
    if core is Money:
        return Kind.MONEY, ()
    if isinstance(core, type) and issubclass(core, Enum):
        return Kind.CHOICE, tuple(str(m.value) for m in core)
    if core is bool:
        return Kind.BOOL, (YES, NO)
    if core is int:
        return Kind.INT, ()
    if typing.get_origin(core) is list:
        (item,) = typing.get_args(core)
        item_core, _ = _unwrap(item)
        return (Kind.INTS if item_core is int else Kind.IDS), ()
    return Kind.TEXT, ()


# Lists of short ids, written in one cell; any other list of texts takes one row per text.
_ID_LISTS = {"sources", "depends_on"}


@cache
def kind_at(model: type[BaseModel], path: tuple[str, ...]) -> tuple[Kind, tuple[str, ...]]:
    """The kind (and the choices) of the field at ``path`` inside ``model``."""
    current: Any = model
    for i, part in enumerate(path):
        info = current.model_fields[part]
        if i == len(path) - 1:
            kind, choices = _kind_of(info.annotation, list(info.metadata))
            if kind is Kind.IDS and part not in _ID_LISTS:
                return Kind.TEXTS, ()
            return kind, choices
        current, _ = _unwrap(info.annotation)
        if typing.get_origin(current) is list:
            current, _ = _unwrap(typing.get_args(current)[0])
    raise KeyError(path)


def col(
    header: str,
    model: type[BaseModel],
    dotted: str,
    width: float = 14,
    *,
    kind: Kind | None = None,
    choices: tuple[str, ...] | None = None,
    source: str | None = None,
) -> Column:
    """A column for the field ``dotted`` of ``model``; its kind and choices come from the model."""
    path = tuple(dotted.split("."))
    found, found_choices = kind_at(model, path)
    info = model.model_fields.get(path[0])
    return Column(
        header,
        path,
        kind or found,
        choices if choices is not None else found_choices,
        width,
        source=source,
        optional=len(path) == 1 and info is not None and not info.is_required(),
    )


def result(header: str, width: float = 14, kind: Kind = Kind.TEXT, *, wrap: bool = False) -> Column:
    """A column that partnerkit fills with a computed result, typed by ``kind`` (a date, a number...)."""
    return Column(header, (), kind, (), width, result=True, wrap=wrap)


@dataclass(frozen=True)
class Row:
    """A fixed row of a two-column table (Settings, Status, the schedule's summary): label, kind, note."""

    label: str
    kind: Kind
    note: str = ""


# --- the sheets ----------------------------------------------------------------------------------

OVERVIEW, PARTNERS, TIERS, AGREEMENTS, ROADMAP = "Overview", "Partners", "Tiers", "Agreements", "Roadmap"
FACTS, REVIEW, TERMS, SCHEDULE = "Facts", "Review", "Terms", "Schedule"
DEALS, PAYOUTS, SURVEY, ACTUALS = "Deals", "Payouts", "Survey", "Actuals"
METRICS, ASSUMPTIONS, SOURCES, PROBLEMS, XLWINGS_CONF = (
    "Metrics",
    "Assumptions",
    "Sources",
    "Problems",
    "xlwings.conf",
)

LISTS = "Lists"  # a hidden sheet holding the choices of dropdowns too long for Excel's 255 characters

# In the order a partner manager works: the plan, the tier program and its review, the agreements
# and their terms, the roadmap and its schedule, the strategy's tables, and what partnerkit found.
# The "run the program" sheets follow what they feed on: the deals and their payouts after the
# agreements' terms, the survey and the actuals after the metrics they measure.
SHEETS = (
    OVERVIEW,
    PARTNERS,
    TIERS,
    FACTS,
    REVIEW,
    AGREEMENTS,
    TERMS,
    DEALS,
    PAYOUTS,
    ROADMAP,
    SCHEDULE,
    METRICS,
    SURVEY,
    ACTUALS,
    ASSUMPTIONS,
    SOURCES,
    PROBLEMS,
)

# What each sheet is for, as its first row says it (the Overview has its own heading).
PURPOSES: dict[str, str] = {
    PARTNERS: "One row per partner. Shaded columns are written by Evaluate tiers.",
    TIERS: "The tiers, their criteria as the strategy prints them, their rules, and the tier program.",
    FACTS: "What each tier rule reads, and each partner's values (one row per value; dated facts by date).",
    REVIEW: "The tier review on the review date (Overview > Settings): proposals to approve, expiries, "
    "unknown facts and what the benefits cost against the budget. Written by Review tiers.",
    AGREEMENTS: "The standard terms of both agreements, each partner's changes to them, and the documents written.",
    TERMS: "Every partner's deal terms and the findings of the term check (each finding is also on "
    "Problems, with its cell). Written by Check terms.",
    ROADMAP: "The activities of each phase, the phases, quarter targets and the team's settings.",
    SCHEDULE: "The schedule's length, dates, critical path and method, and the Gantt chart. "
    "Written by Schedule roadmap.",
    DEALS: "The CRM's deals export, pasted under the header (one row per partner touch). Shaded "
    "columns are written by Check deals.",
    PAYOUTS: "What each partner is owed for the payout period (Overview > Settings), and the run's "
    "total. Written by Run payouts.",
    METRICS: "The strategy's metrics: targets and actuals per quarter.",
    SURVEY: "Partner survey responses (0-10: would you recommend partnering with us?), pasted from "
    "the survey tool; Program actuals reads them for partner NPS.",
    ACTUALS: "The metrics' targets against what the deals and the survey show, and the program's "
    "economics by tier. Written by Program actuals.",
    ASSUMPTIONS: "What the plan assumes, how sure it is, and how to check it.",
    SOURCES: "Where the plan's numbers come from; other tables cite them by id (S1, S2).",
    PROBLEMS: "Every problem partnerkit found, with the sheet and cell to fix. Written by every button.",
}

# The sheets partnerkit writes whole: their rows are replaced on each run (by the buttons and by sync).
OWNED_SHEETS = (REVIEW, TERMS, PAYOUTS, ACTUALS, PROBLEMS)

_PARTNER_TYPES: tuple[str, ...] = tuple(
    str(m.value)
    for cls in (IntegrationPartner, DistributionPartner, EcosystemPartner)
    for m in _unwrap(cls.model_fields["type"].annotation)[0]
)

KEY_VALUE_COLUMNS = (
    Column("Field", (), Kind.TEXT, (), 26),
    Column("Value", (), Kind.TEXT, (), 50, wrap=True),
)

# The Overview is a form: the plan's settings and texts in small (Field, Value) tables, each under
# its heading, in three column groups (see build.overview_layout). Their rows say each field in words.
OVERVIEW_GROUPS = (0, 3, 6)  # the first column of each group; a narrow gap column between groups

PRODUCT = Table("Product", OVERVIEW, KEY_VALUE_COLUMNS, first_col=3, key_value=True, title="Product")
STRATEGY = Table(
    "Strategy",
    OVERVIEW,
    KEY_VALUE_COLUMNS,
    first_col=3,
    key_value=True,
    title="Executive summary and philosophy",
)
INTEGRATION_CATEGORY = Table(
    "IntegrationCategory",
    OVERVIEW,
    KEY_VALUE_COLUMNS,
    first_col=3,
    key_value=True,
    title="Integration partners",
)
DISTRIBUTION_CATEGORY = Table(
    "DistributionCategory",
    OVERVIEW,
    KEY_VALUE_COLUMNS,
    first_col=6,
    key_value=True,
    title="Distribution partners",
)
ECOSYSTEM_CATEGORY = Table(
    "EcosystemCategory", OVERVIEW, KEY_VALUE_COLUMNS, first_col=6, key_value=True, title="Ecosystem partners"
)

# What the buttons read besides the plan: the options of the command line, as cells.
SETTINGS_ROWS = (
    Row("Review date", Kind.DATE, "Tiers and the tier review are worked out on this day; empty: today."),
    Row(
        "Optimize the roadmap",
        Kind.BOOL,
        "Yes: the shortest schedule OR-Tools finds (pip install 'partnerkit[optimize]'); No: the fast planner.",
    ),
    Row("Optimizer time limit (seconds)", Kind.INT, "How long the optimizer may search; empty: 10."),
    Row(
        "Payout period",
        Kind.TEXT,
        "The period Run payouts pays: 2026-Q3, 2026-07 or 2026; empty: the quarter before the review date.",
    ),
)
REVIEW_DATE, OPTIMIZE, TIME_LIMIT, PAYOUT_PERIOD = (r.label for r in SETTINGS_ROWS)

SETTINGS = Table(
    "Settings",
    OVERVIEW,
    (Column("Setting", ("setting",), Kind.TEXT, (), 26), Column("Value", ("value",), Kind.VALUE, (), 50)),
    title="Settings the buttons read",
)

# The plan's status as the last run left it (every button, and sync, rewrite it).
STATUS_ROWS = (
    Row("Errors", Kind.INT, "problems that stop the plan (see the Problems sheet)"),
    Row("Warnings", Kind.INT),
    Row("Claims citing a source", Kind.PERCENT),
    Row("Last run", Kind.DATETIME),
    Row("Last button", Kind.TEXT),
    Row("Review date used", Kind.DATE),
)
STATUS = Table(
    "Status",
    OVERVIEW,
    (Column("Status", ("status",), Kind.TEXT, (), 26), result("Value", 28)),
    title="The plan's status",
)

PARTNERS_TABLE = Table(
    "Partners",
    PARTNERS,
    (
        Column("Category", ("category",), Kind.CHOICE, tuple(str(k.value) for k in CategoryKind), 13),
        col("Name", IntegrationPartner, "name", 26),
        Column("Type", ("type",), Kind.CHOICE, _PARTNER_TYPES, 14),
        col("Priority", IntegrationPartner, "priority", 9),
        col("Status", IntegrationPartner, "status", 12),
        col("Tier", IntegrationPartner, "tier", 12, kind=Kind.CHOICE, choices=(), source="Tiers[Name]"),
        col("Margin", DistributionPartner, "margin", 9),
        col("Annual cost", EcosystemPartner, "annual_cost", 12),
        col("Customer base", DistributionPartner, "customer_base", 30),
        col("Their value", IntegrationPartner, "their_value", 30),
        col("Our value", IntegrationPartner, "our_value", 30),
        col("Benefit", EcosystemPartner, "benefit", 30),
        col("Cost", EcosystemPartner, "cost", 24),
        col("Rationale", IntegrationPartner, "rationale", 40),
        col("Sources", IntegrationPartner, "sources", 10),
        col("Legal name", IntegrationPartner, "legal_name", 28),
        col("Notice address", IntegrationPartner, "notice_address", 36),
        col("Contact", IntegrationPartner, "contact", 30),
        col("Effective date", IntegrationPartner, "effective_date", 12),
        col("Tier since", IntegrationPartner, "tier_since", 12),
        result("Proposed tier", 13),
        result("Change", 11),
        result("Top gaps", 60),
    ),
)

PARTNER_MODELS: dict[str, type[BaseModel]] = {
    CategoryKind.INTEGRATION.value: IntegrationPartner,
    CategoryKind.DISTRIBUTION.value: DistributionPartner,
    CategoryKind.ECOSYSTEM.value: EcosystemPartner,
}

TIERS_TABLE = Table(
    "Tiers",
    TIERS,
    (
        col("Name", Tier, "name", 14),
        col("Level", Tier, "level", 7),
        Column("Revenue min", ("revenue_potential", "min"), Kind.MONEY, (), 13),
        Column("Revenue max", ("revenue_potential", "max"), Kind.MONEY, (), 13),
        Column("Revenue sources", ("revenue_potential", "sources"), Kind.IDS, (), 10),
        col("Revenue share", Tier, "benefits.revenue_share", 10),
        col("Partner discount", Tier, "benefits.partner_discount", 10),
        col("Co-marketing budget", Tier, "benefits.co_marketing_budget", 13),
        col("Joint roadmap input", Tier, "benefits.joint_roadmap_input", 10),
        col("Dedicated partner manager", Tier, "benefits.dedicated_partner_manager", 10),
        col("Early access", Tier, "benefits.early_access", 10),
        col("Portal access", Tier, "benefits.portal_access", 10),
        col("Deal registration", Tier, "benefits.deal_registration", 10),
        col("Training", Tier, "benefits.training", 12),
        col("Payout accelerator", Tier, "benefits.payout_accelerator", 10),
        col("Accelerator threshold", Tier, "benefits.accelerator_threshold", 13),
        col("Benefit sources", Tier, "benefits.sources", 10),
        col("Certified resources", Tier, "requirements.certified_resources", 10),
        col("Joint business plan", Tier, "requirements.joint_business_plan", 10),
        col("Quarterly reviews", Tier, "requirements.quarterly_reviews", 10),
        col("Annual review", Tier, "requirements.annual_review", 10),
        col("Annual recertification", Tier, "requirements.annual_recertification", 10),
        result("Partners", 10),
    ),
)

TIER_CRITERIA = Table(
    "TierCriteria",
    TIERS,
    (
        Column("Tier", ("tier",), Kind.CHOICE, (), 14, source="Tiers[Name]"),
        col("Criterion", TierCriterion, "name", 26),
        col("Requirement", TierCriterion, "requirement", 40),
        col("Sources", TierCriterion, "sources", 10),
    ),
    first_col=len(TIERS_TABLE.columns) + 1,
)

TIER_RULES = Table(
    "TierRules",
    TIERS,
    (
        Column("Tier", ("tier",), Kind.CHOICE, (), 14, source="Tiers[Name]"),
        Column("Rule", ("rule",), Kind.RULE, (), 90),
    ),
    first_col=TIER_CRITERIA.first_col + len(TIER_CRITERIA.columns) + 1,
)

TIER_PROGRAM = Table(
    "TierProgram",
    TIERS,
    KEY_VALUE_COLUMNS,
    first_col=TIER_RULES.first_col + len(TIER_RULES.columns) + 1,
    key_value=True,
)

FACT_SPECS = Table(
    "FactSpecs",
    FACTS,
    (
        Column("Fact", ("fact",), Kind.TEXT, (), 22),
        col("Kind", FactSpec, "kind", 10),
        col("Dated", FactSpec, "dated", 8),
        col("Label", FactSpec, "label", 24),
        col("Unit", FactSpec, "unit", 16),
        col("Description", FactSpec, "description", 40),
    ),
)

PARTNER_FACTS = Table(
    "PartnerFacts",
    FACTS,
    (
        Column("Partner", ("partner",), Kind.CHOICE, (), 26, source="Partners[Name]"),
        Column("Fact", ("fact",), Kind.CHOICE, (), 22, source="FactSpecs[Fact]"),
        Column("Date", ("date",), Kind.DATE, (), 12),
        Column("Value", ("value",), Kind.FACT, (), 14),
    ),
    first_col=len(FACT_SPECS.columns) + 1,
)

AGREEMENT_TERMS = Table("AgreementTerms", AGREEMENTS, KEY_VALUE_COLUMNS, key_value=True)

TERM_OVERRIDES = Table(
    "TermOverrides",
    AGREEMENTS,
    (
        Column("Partner", ("partner",), Kind.CHOICE, (), 26, source="Partners[Name]"),
        Column("Term", ("term",), Kind.CHOICE, tuple(sorted(OVERRIDABLE_TERMS)), 28),
        Column("Value", ("value",), Kind.VALUE, (), 14),
        col("Reason", TermOverride, "reason", 50),
        col("Sources", TermOverride, "sources", 10),
    ),
    first_col=3,
)

DOCUMENTS = Table(
    "Documents",
    AGREEMENTS,
    (result("Document", 30), result("Partner", 26), result("File", 60)),
    first_col=TERM_OVERRIDES.first_col + len(TERM_OVERRIDES.columns) + 1,
)

ACTIVITIES = Table(
    "Activities",
    ROADMAP,
    (
        Column("Phase", ("phase",), Kind.TEXT, (), 8),
        col("Id", Activity, "id", 20),
        col("Name", Activity, "name", 26),
        col("Partner type", Activity, "partner_type", 12),
        col("Goal", Activity, "goal", 22),
        Column("Weeks", ("weeks",), Kind.WEEKS, (), 8),
        col("Duration (weeks)", Activity, "duration_weeks", 9),
        col("Depends on", Activity, "depends_on", 22),
        col("People", Activity, "people", 8),
        col("Priority", Activity, "priority", 8),
        col("Earliest start", Activity, "earliest_start", 12),
        col("Fixed start", Activity, "fixed_start", 12),
        col("Deadline", Activity, "deadline", 12),
        col("Target", Activity, "target", 18),
        result("Start", 12, Kind.DATE),
        result("End", 12, Kind.DATE),
        result("Quarter", 9),
        result("Slack (weeks)", 9, Kind.INT),
        result("Critical", 9),
    ),
)

PHASES = Table(
    "Phases",
    ROADMAP,
    (Column("Quarter", ("quarter",), Kind.TEXT, (), 9), Column("Name", ("name",), Kind.TEXT, (), 16)),
    first_col=len(ACTIVITIES.columns) + 1,
)

TARGETS = Table(
    "Targets",
    ROADMAP,
    (
        Column("Quarter", ("quarter",), Kind.TEXT, (), 9),
        col("Label", Target, "label", 30),
        Column("Value", ("value",), Kind.VALUE, (), 12),
        col("Sources", Target, "sources", 10),
    ),
    first_col=PHASES.first_col + len(PHASES.columns) + 1,
)

ROADMAP_SETTINGS = Table(
    "RoadmapSettings",
    ROADMAP,
    KEY_VALUE_COLUMNS,
    first_col=TARGETS.first_col + len(TARGETS.columns) + 1,
    key_value=True,
)

METRICS_TABLE = Table(
    "Metrics",
    METRICS,
    (
        col("Name", Metric, "name", 30),
        col("Unit", Metric, "unit", 10),
        col("Cumulative", Metric, "cumulative", 11),
        Column("Q1", ("q1",), Kind.METRIC, (), 12),
        Column("Q2", ("q2",), Kind.METRIC, (), 12),
        Column("Year 1", ("year1",), Kind.METRIC, (), 12),
        Column("Actual Q1", ("actual_q1",), Kind.METRIC, (), 12),
        Column("Actual Q2", ("actual_q2",), Kind.METRIC, (), 12),
        Column("Actual year 1", ("actual_year1",), Kind.METRIC, (), 12),
        col("Sources", Metric, "sources", 10),
        col("Measure", Metric, "measure", 24),
    ),
)

ASSUMPTIONS_TABLE = Table(
    "Assumptions",
    ASSUMPTIONS,
    (
        col("Assumption", Assumption, "assumption", 60),
        col("Confidence", Assumption, "confidence", 12),
        col("Validation method", Assumption, "validation_method", 60),
        col("Sources", Assumption, "sources", 10),
    ),
)

SOURCES_TABLE = Table(
    "Sources",
    SOURCES,
    (
        col("Id", Source, "id", 10),
        col("Title", Source, "title", 60),
        col("Type", Source, "type", 12),
        col("Date", Source, "date", 12),
        col("URL", Source, "url", 40),
    ),
)

PROBLEMS_TABLE = Table(
    "Problems",
    PROBLEMS,
    (
        result("Severity", 10),
        result("Sheet", 14),
        result("Cell", 8),
        result("Field", 40),
        result("Message", 100),
        result("Hint", 60),
    ),
)

# The tier review, one row per finding: a proposal, an expiring certification, unknown facts, the cost
# of a tier's benefits, the budget, a note. One table at the top of the sheet, so a new kind of
# finding is new rows, not a new table (results.review_rows).
REVIEW_TABLE = Table(
    "Review",
    REVIEW,
    (
        result("Section", 22),
        result("Partner", 26),
        result("Tier", 12),
        result("Proposed tier", 13),
        result("Change", 11),
        result("Effective", 12, Kind.DATE),
        result("Partners", 9, Kind.INT),
        result("Per partner", 13, Kind.MONEY),
        result("Amount", 13, Kind.MONEY),
        result("Detail", 90),
    ),
)

TERMS_TABLE = Table(
    "Terms",
    TERMS,
    (
        result("Partner", 26),
        result("Agreement", 13),
        result("Tier", 12),
        result("Share or discount", 12, Kind.PERCENT),
        result("Comes from", 16),
        result("Changes", 9, Kind.INT),
        result("Errors", 8, Kind.INT),
        result("Warnings", 9, Kind.INT),
        result("Findings", 100),
    ),
)

# --- running the program: deals, payouts, survey, actuals ----------------------------------------------

# The deals export's columns as the shipped example writes them (io/pipeline/deals.py reads them by
# their header, like any CRM export); the verdict of Check deals beside them.
DEALS_TABLE = Table(
    "Deals",
    DEALS,
    (
        Column("Deal ID", ("deal_id",), Kind.TEXT, (), 12),
        Column("Account Name", ("account_name",), Kind.TEXT, (), 28),
        Column("Account Domain", ("account_domain",), Kind.TEXT, (), 24),
        Column("Partner", ("partner",), Kind.CHOICE, (), 26, source="Partners[Name]"),
        Column("Touch", ("touch",), Kind.CHOICE, ("sourced", "influenced", "referral"), 11),
        Column("Registered On", ("registered_on",), Kind.DATE, (), 12),
        Column("Approved On", ("approved_on",), Kind.DATE, (), 12),
        Column("Stage", ("stage",), Kind.TEXT, (), 14),
        Column("Close Date", ("close_date",), Kind.DATE, (), 12),
        Column("Amount", ("amount",), Kind.CENTS, (), 13),
        Column("Currency", ("currency",), Kind.TEXT, (), 9),
        Column("Credit Override", ("credit",), Kind.CHOICE, ("sourced", "influenced", "none"), 11),
        Column("Override Reason", ("credit_reason",), Kind.TEXT, (), 30),
        Column("Refunded On", ("refunded_on",), Kind.DATE, (), 12),
        result("Registration", 14),
        result("Protected until", 12, Kind.DATE),
        result("Finding", 16),
        result("Why", 90),
    ),
)

# One row per partner's statement, then the run's total (the sums of the rows, to the cent).
PAYOUTS_TABLE = Table(
    "Payouts",
    PAYOUTS,
    (
        result("Partner", 26),
        result("Category", 12),
        result("Tier", 12),
        result("Period", 9),
        result("Currency", 9),
        result("Sourced revenue", 13, Kind.CENTS),
        result("Earned", 13, Kind.CENTS),
        result("Clawed back", 13, Kind.CENTS),
        result("Accelerator", 13, Kind.CENTS),
        result("Net", 13, Kind.CENTS),
        result("Brought forward", 13, Kind.CENTS),
        result("Payable", 13, Kind.CENTS),
        result("Carried over", 13, Kind.CENTS),
        result("Status", 40),
    ),
)
RUN_TOTAL = "Run total"  # the Partner cell of the Payouts table's last row

SURVEY_TABLE = Table(
    "Survey",
    SURVEY,
    (
        Column("Partner", ("partner",), Kind.CHOICE, (), 26, source="Partners[Name]"),
        Column("Responded On", ("responded_on",), Kind.DATE, (), 12),
        Column("Score", ("score",), Kind.INT, (), 8),
        Column("Comment", ("comment",), Kind.TEXT, (), 60),
    ),
)

# Every metric in Q1, Q2 and Year 1 (partner NPS among them), then the economics of each tier: one
# table, so the sheet is partnerkit's whole (as the Review sheet is) and sync can rewrite it.
ACTUALS_TABLE = Table(
    "Actuals",
    ACTUALS,
    (
        result("Section", 18),
        result("Item", 28),
        result("Period", 9),
        result("Target", 12, Kind.NUMBER),
        result("Actual", 12, Kind.NUMBER),
        result("Attainment", 11, Kind.PERCENT),
        result("Variance", 12, Kind.NUMBER),
        result("Responses", 10, Kind.INT),
        result("Partners", 9, Kind.INT),
        result("Benefit cost", 13, Kind.CENTS),
        result("Sourced revenue", 13, Kind.CENTS),
        result("Cost per partner", 13, Kind.CENTS),
        result("Break-even revenue per partner", 14, Kind.CENTS),
        result("Detail", 70),
    ),
)

SUMMARY_ROWS = (
    Row("Activities", Kind.INT),
    Row("Length (weeks)", Kind.INT),
    Row("Starts", Kind.DATE),
    Row("Ends", Kind.DATE),
    Row("Critical path", Kind.TEXT),
    Row("Method", Kind.TEXT, "heuristic: the fast planner; optimal or feasible: OR-Tools"),
)
ROADMAP_SUMMARY = Table(
    "RoadmapSummary",
    SCHEDULE,
    (Column("Schedule", ("item",), Kind.TEXT, (), 22), result("Value", 60)),
)
GANTT = "Gantt"  # the name of the Schedule sheet's picture, which each run replaces

TABLES: tuple[Table, ...] = (
    PRODUCT,
    STRATEGY,
    INTEGRATION_CATEGORY,
    DISTRIBUTION_CATEGORY,
    ECOSYSTEM_CATEGORY,
    SETTINGS,
    STATUS,
    PARTNERS_TABLE,
    TIERS_TABLE,
    TIER_CRITERIA,
    TIER_RULES,
    TIER_PROGRAM,
    FACT_SPECS,
    PARTNER_FACTS,
    REVIEW_TABLE,
    AGREEMENT_TERMS,
    TERM_OVERRIDES,
    DOCUMENTS,
    TERMS_TABLE,
    ACTIVITIES,
    PHASES,
    TARGETS,
    ROADMAP_SETTINGS,
    ROADMAP_SUMMARY,
    DEALS_TABLE,
    PAYOUTS_TABLE,
    METRICS_TABLE,
    SURVEY_TABLE,
    ACTUALS_TABLE,
    ASSUMPTIONS_TABLE,
    SOURCES_TABLE,
    PROBLEMS_TABLE,
)

# Tables that are not the plan: what the buttons read besides it, and what they write.
DOOR_TABLES = {SETTINGS.name, STATUS.name, ROADMAP_SUMMARY.name}

# The running program's own inputs (the CRM's deals, the survey): read beside the plan, never into it,
# and only by the jobs that use them (a large deals export would slow every other button).
PROGRAM_INPUTS = (DEALS_TABLE, SURVEY_TABLE)

INPUT_TABLES = tuple(
    t
    for t in TABLES
    if t.inputs and t.name not in (STATUS.name, ROADMAP_SUMMARY.name) and t not in PROGRAM_INPUTS
)

# Tables added after the first workbooks were built: a workbook without them still reads.
OPTIONAL_TABLES = {
    TERM_OVERRIDES.name,
    TIER_RULES.name,
    TIER_PROGRAM.name,
    FACT_SPECS.name,
    PARTNER_FACTS.name,
    SETTINGS.name,
    DEALS_TABLE.name,
    SURVEY_TABLE.name,
}

# Which plan fields each (Field, Value) table holds, by the first parts of their paths.
KEY_VALUE_SECTIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    PRODUCT.name: (("product",),),
    STRATEGY.name: (("executive_summary",), ("philosophy",)),
    INTEGRATION_CATEGORY.name: (("categories", "integration"),),
    DISTRIBUTION_CATEGORY.name: (("categories", "distribution"),),
    ECOSYSTEM_CATEGORY.name: (("categories", "ecosystem"),),
    AGREEMENT_TERMS.name: (("deal_frameworks",), ("documents",)),
    TIER_PROGRAM.name: (("tier_program",),),
    ROADMAP_SETTINGS.name: (("roadmap", "settings"), ("roadmap", "scale")),
}

# Lists of records that live in their own tables, not in a (Field, Value) table.
ROW_LISTS = {
    "partners",
    "activities",
    "tiers",
    "criteria",
    "phases",
    "targets",
    "overrides",
    "facts",
    "rules",
}

TIER_TARGETS = ("roadmap", "scale", "tier_targets")


def table(name: str) -> Table:
    """The table called ``name``."""
    for found in TABLES:
        if found.name == name:
            return found
    raise KeyError(name)


def key_value_kind(path: tuple[str | int, ...]) -> tuple[Kind, tuple[str, ...]]:
    """The kind of a (Field, Value) row's value, from the plan model."""
    if tuple(path[:3]) == TIER_TARGETS:
        return Kind.INT, ()
    names = tuple(p for p in path if isinstance(p, str))
    kind, choices = kind_at(Plan, names)
    # One text of a list of texts (strategic_goals[2]) is a text.
    return (Kind.TEXT, ()) if kind is Kind.TEXTS and isinstance(path[-1], int) else (kind, choices)


@dataclass(slots=True)
class FieldRef:
    """A plan field's place in the workbook: sheet, cell, header, and the value as the cell showed it.

    ``at`` is the cell's name (``D17``) or its 0-based (row, column), named only when needed.
    """

    sheet: str
    at: str | tuple[int, int]
    header: str
    value: Any = None

    @property
    def cell(self) -> str:
        """``D17``."""
        return self.at if isinstance(self.at, str) else cell_name(*self.at)

    @property
    def location(self) -> str:
        """``Partners!D17``."""
        return f"{self.sheet}!{self.cell}"


# 0-based column letters and cell names, as the tables count (io/ooxml/refs.py).
column_letter = letters_at
cell_name = cell_at


def is_identifier_stem(stem: str) -> bool:
    """True when a workbook's name can also name its Python companion module."""
    return stem.isidentifier() and not stem.startswith("_")


MODEL_OF_TABLE: dict[str, type[BaseModel]] = {
    "Tiers": Tier,
    "TierCriteria": TierCriterion,
    "Activities": Activity,
    "Targets": Target,
    "Metrics": Metric,
    "Assumptions": Assumption,
    "Sources": Source,
}
