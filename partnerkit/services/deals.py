"""Deals from the CRM: read the deals table and survey responses, and check registrations on a date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.problems import Severity
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.actuals.nps import SurveyResponse
    from partnerkit.io.pipeline.deals import DealsTable
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.pipeline.attribution import Attribution, Revenue
    from partnerkit.pipeline.deals import Deal
    from partnerkit.pipeline.registrations import Finding, RegistrationCheck
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class LoadedDeals:
    """A deals table as read: its rows, its problems (bad cells, unknown partners), and its cell map."""

    source: str
    deals: list[Deal]
    problems: list[Problem] = field(default_factory=list)
    table: DealsTable | None = None

    @property
    def ok(self) -> bool:
        """True when no cell broke a rule (warnings allowed)."""
        return not any(p.is_error for p in self.problems)

    def place(self, problems: list[Problem]) -> list[Problem]:
        """Problems about ``deals[i].field`` placed at their cell (``deals.csv:88``, ``Deals!D17``)."""
        if self.table is not None:
            return [self.table.place(p) for p in problems]
        return [p if p.location else p.at(self.source) for p in problems]

    def location(self, index: int, name: str | None = None) -> str:
        """Where deal row ``index`` (and its field ``name``) is: ``deals.csv:88``, ``deals.xlsx: Deals!D17``."""
        return self.table.where(index, name) if self.table is not None else self.source

    @classmethod
    def of(cls, deals: Sequence[Deal], source: str = "<deals>") -> LoadedDeals:
        """Deals built in Python, for the services: problems are placed at ``source``."""
        return cls(source, list(deals))


@dataclass(frozen=True)
class LoadedSurvey:
    """Survey responses as read, and the problems met."""

    source: str
    responses: list[SurveyResponse]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no cell broke a rule (warnings allowed)."""
        return not any(p.is_error for p in self.problems)


def partner_names(plan: Plan) -> dict[str, str]:
    """The plan's partner names by their folded spelling (``fold_name``), for the readers' look-ups."""
    from partnerkit.model.values import fold_names

    names = [partner.name for _, partner in plan.partners()]
    return dict(zip(fold_names(names), names, strict=True))


def read_deals(path: str | Path, loaded: LoadedPlan) -> LoadedDeals:
    """Read the deals table at ``path`` for the plan; UnreadableFileError when it is not a table at all."""
    from partnerkit.io.pipeline.deals import read_deals as read_table

    plan = require_plan(loaded)
    table = read_table(path, partner_names(plan), plan.product.currency)
    return LoadedDeals(str(path), table.deals, table.problems, table)


def read_survey(path: str | Path, loaded: LoadedPlan) -> LoadedSurvey:
    """Read partner survey responses at ``path``; UnreadableFileError when it is not a table at all."""
    from partnerkit.io.pipeline.survey import read_survey as read_table

    plan = require_plan(loaded)
    table = read_table(path, partner_names(plan))
    return LoadedSurvey(str(path), table.responses, table.problems)


def deals_from_rows(
    rows: list[list[Any]], loaded: LoadedPlan, *, sheet: str = "Deals", top: int = 0, left: int = 0
) -> LoadedDeals:
    """Read a deals table already read from a workbook (its header row first), as ``read_deals``
    reads a file: the same columns and cell rules, each problem at its cell (``Deals!D17``, the
    header standing at 0-based ``top``, ``left``)."""
    from partnerkit.io.pipeline.deals import read_deal_rows

    plan = require_plan(loaded)
    table = read_deal_rows(rows, partner_names(plan), plan.product.currency, sheet=sheet, top=top, left=left)
    return LoadedDeals(sheet, table.deals, table.problems, table)


def survey_from_rows(
    rows: list[list[Any]], loaded: LoadedPlan, *, sheet: str = "Survey", top: int = 0, left: int = 0
) -> LoadedSurvey:
    """Read survey responses already read from a workbook (header row first), as ``read_survey``
    reads a file, each problem at its cell; a table without responses has none (the survey is optional)."""
    from partnerkit.io.pipeline.survey import read_survey_rows

    plan = require_plan(loaded)
    table = read_survey_rows(rows, partner_names(plan), sheet=sheet, top=top, left=left)
    return LoadedSurvey(sheet, table.responses, table.problems)


def as_loaded(deals: LoadedDeals | Sequence[Deal]) -> LoadedDeals:
    """Deals as the services take them: a read table, or rows built in Python."""
    return deals if isinstance(deals, LoadedDeals) else LoadedDeals.of(deals)


@dataclass
class DealCheck:
    """The registrations on one date: every row's status, the findings, the credited revenue, the problems.

    ``findings`` are the check's findings as warnings placed at their rows (errors only for rows of
    partners the plan does not have); ``problems`` are the deals table's own and the attribution's.
    """

    as_of: date
    check: RegistrationCheck
    attribution: Attribution
    deals: LoadedDeals = field(repr=False, compare=False)
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def findings(self) -> list[Problem]:
        """The check's findings as problems at their rows, worded when first asked for (a million-row
        export has a few hundred thousand, and a report shows a few)."""
        return self.deals.place(self.check.problems())

    def location(self, finding: Finding) -> str:
        """Where ``finding``'s row and field are (``deals.csv:88``), as ``findings`` places it."""
        return self.deals.location(finding.row, finding.field)

    @property
    def ok(self) -> bool:
        """True when nothing stops the check: no errors in the table, the findings or the attribution."""
        return not any(p.is_error for p in self.problems) and not any(
            f.severity is Severity.ERROR for f in self.check.findings
        )

    def revenue(self) -> Revenue:
        """Partner-sourced and partner-influenced revenue of every deal won by the as-of date."""
        return self.attribution.revenue()

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit deals check --json`` prints (docs/deals.md)."""
        data = self.check.to_dict(self.location)
        revenue = self.revenue()
        data["revenue"] = {
            "currency": revenue.currency,
            "sourced": str(revenue.sourced),
            "influenced": str(revenue.influenced),
            "sourced_deals": revenue.sourced_deals,
            "influenced_deals": revenue.influenced_deals,
        }
        data["problems"] = [p.to_dict() for p in self.problems]
        return data


def check_deals(loaded: LoadedPlan, deals: LoadedDeals | Sequence[Deal], as_of: date) -> DealCheck:
    """Check every registration of ``deals`` against the partners' terms on ``as_of`` (docs/deals.md).

    Conflicts inside a protection are resolved by the documented rule (the first approved
    registration wins); the findings come back as warnings placed at their rows, beside the deals
    table's own problems.
    """
    from partnerkit.pipeline.attribution import attribute
    from partnerkit.pipeline.registrations import check_registrations
    from partnerkit.pipeline.rules import partner_rules

    plan = require_plan(loaded)
    table = as_loaded(deals)
    rules = partner_rules(plan)
    check = check_registrations(plan, table.deals, as_of, rules=rules)
    credit = attribute(plan, table.deals, check, rules=rules)
    return DealCheck(as_of, check, credit, table, [*table.problems, *table.place(credit.problems)])
