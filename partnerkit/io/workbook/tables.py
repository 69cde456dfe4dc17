"""The plan as the workbook's tables and back: rows of cells for each table, and a plan from read tables.

Both directions go through the layout, so export then import gives back an equal plan. Reading keeps
where each field came from (``Partners!D17``, its header and the value the cell showed), so every
problem the plan model or the plan checks report lands on the cell to fix. The jobs live in their
own modules: ``rows`` (plan -> rows), ``plandata`` (read tables -> plan data), ``refs`` (where each
field was read, and the cell locator); this module validates read tables into a plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from partnerkit.io.workbook.plandata import plan_data_from_tables
from partnerkit.io.workbook.refs import CellLocator, PercentOracle, Refs, TableData, locate_problems
from partnerkit.io.workbook.rows import field_label, key_value_rows, plan_rows
from partnerkit.model import Plan
from partnerkit.problems import FieldPath, Problem
from partnerkit.validation import validate_plan_data


@dataclass
class ReadPlan:
    """A plan read from workbook tables: the plan (None when it has errors), every problem, and the
    place of each field, so results can be written back beside the rows they belong to."""

    plan: Plan | None
    problems: list[Problem]
    refs: Refs

    def data_row(self, path: FieldPath) -> int | None:
        """The 0-based data row of its table that holds the record at ``path`` (a partner, an activity)."""
        hit = self.refs.row_of(path)
        return None if hit is None else hit[1] - hit[0].top - 1


def read_plan(tables: dict[str, TableData], source: str) -> ReadPlan:
    """Validate read tables into a Plan; every problem is located on its cell (``Partners!D17``)."""
    data, refs, problems = plan_data_from_tables(tables, source)
    plan, found = validate_plan_data(data, consume=True, validated=refs.share_text)
    # A cell that broke its column's rule is reported on that cell already; the model's "missing"
    # for the field it left empty would say it twice.
    broken = {p.path for p in problems}
    found = [p for p in found if not (p.code == "missing" and p.path in broken)]
    problems = [*problems, *locate_problems(found, refs, source)]
    return ReadPlan(None if any(p.is_error for p in problems) else plan, problems, refs)


def plan_from_tables(tables: dict[str, TableData], source: str) -> tuple[Plan | None, list[Problem]]:
    """Validate read tables into a Plan, or the problems that stop it, each on its cell."""
    read = read_plan(tables, source)
    return read.plan, read.problems


__all__ = [
    "CellLocator",
    "PercentOracle",
    "ReadPlan",
    "Refs",
    "TableData",
    "field_label",
    "key_value_rows",
    "locate_problems",
    "plan_data_from_tables",
    "plan_from_tables",
    "plan_rows",
    "read_plan",
]
