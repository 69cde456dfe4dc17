"""One round of validation through both readers: four independent mistakes, four located problems, one run.

A margin of 140% (the schema refuses it), a citation of a source that does not exist, a tier that is
not a tier of the plan and a misspelt dependency: before, the schema error hid the last two until it
was fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from partnerkit.io.planfile import load
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan
from partnerkit.problems import FieldPath

MARGIN: FieldPath = ("categories", "distribution", "partners", 0, "margin")
SOURCE: FieldPath = ("categories", "integration", "partners", 0, "sources", 0)
TIER: FieldPath = ("categories", "integration", "partners", 1, "tier")


def dependent_activity(data: dict[str, Any]) -> tuple[int, int]:
    """The phase and index of the first activity that depends on another."""
    for p, phase in enumerate(data["roadmap"]["phases"]):
        for a, activity in enumerate(phase["activities"]):
            if activity.get("depends_on"):
                return p, a
    raise AssertionError("the example plan has no dependencies")


def test_four_mistakes_in_a_plan_file_are_reported_in_one_run(
    plan_data: dict[str, Any], write_plan: Callable[..., Path]
) -> None:
    p, a = dependent_activity(plan_data)
    activity = plan_data["roadmap"]["phases"][p]["activities"][a]
    plan_data["categories"]["distribution"]["partners"][0]["margin"] = "140%"
    plan_data["categories"]["integration"]["partners"][0]["sources"] = ["S99"]
    plan_data["categories"]["integration"]["partners"][1]["tier"] = "Gold"
    activity["depends_on"][0] += "x"
    path = write_plan(plan_data)
    text = path.read_text(encoding="utf-8").splitlines()

    loaded = load(path)

    assert loaded.plan is None
    dependency: FieldPath = ("roadmap", "phases", p, "activities", a, "depends_on", 0)
    errors = {p.path: p for p in loaded.problems if p.is_error}
    assert set(errors) == {MARGIN, SOURCE, TIER, dependency}
    assert errors[MARGIN].message == "140% is above 100%"
    assert errors[SOURCE].code == "unknown_source"
    assert errors[TIER].code == "unknown_tier"
    assert errors[dependency].code == "unknown-dependency"
    # Each at the line and column of the mistaken value.
    for problem, needle in [
        (errors[MARGIN], "140%"),
        (errors[SOURCE], "S99"),
        (errors[TIER], "Gold"),
        (errors[dependency], activity["depends_on"][0]),
    ]:
        assert problem.location is not None
        file, line, column = problem.location.rsplit(":", 2)
        assert file == str(path)
        assert text[int(line) - 1][int(column) - 1 :].startswith(needle), (problem, text[int(line) - 1])


def _table(book: Any, name: str) -> tuple[Any, list[str], list[tuple[Any, ...]]]:
    for sheet in book.worksheets:
        if name in sheet.tables:
            rows = list(sheet[sheet.tables[name].ref])
            return sheet, [str(c.value) for c in rows[0]], rows[1:]
    raise AssertionError(f"no table {name}")


def _cell(book: Any, table: str, header: str, **where: str) -> Any:
    """The cell under ``header`` in the row of ``table`` whose columns hold ``where``."""
    _, headers, rows = _table(book, table)
    keys = {headers.index(h.replace("_", " ").capitalize()): v for h, v in where.items()}
    for row in rows:
        if all(row[i].value == v for i, v in keys.items()):
            return row[headers.index(header)]
    raise AssertionError(f"no row {where} in {table}")


def _at(book: Any, table: str, cell: Any) -> str:
    sheet, _, _ = _table(book, table)
    return f"{sheet.title}!{cell.coordinate}"


def test_four_mistakes_in_a_workbook_are_reported_in_one_run(example_plan: Plan, tmp_path: Path) -> None:
    built = build_workbook(example_plan, tmp_path / "plan.xlsx", macros=False)
    data = example_plan.model_dump(mode="json")
    p, a = dependent_activity(data)
    activity = data["roadmap"]["phases"][p]["activities"][a]
    reseller = data["categories"]["distribution"]["partners"][0]["name"]
    first, second = (x["name"] for x in data["categories"]["integration"]["partners"][:2])

    book = openpyxl.load_workbook(built)
    margin = _cell(book, "Partners", "Margin", name=reseller)
    margin.value = 1.4  # the column is formatted as a percentage: 140%
    sources = _cell(book, "Partners", "Sources", name=first)
    sources.value = "S99"
    tier = _cell(book, "Partners", "Tier", name=second)
    tier.value = "Gold"
    depends = _cell(book, "Activities", "Depends on", id=activity["id"])
    depends.value = f"{activity['depends_on'][0]}x"
    expected = {
        MARGIN: _at(book, "Partners", margin),
        SOURCE: _at(book, "Partners", sources),
        TIER: _at(book, "Partners", tier),
        ("roadmap", "phases", p, "activities", a, "depends_on", 0): _at(book, "Activities", depends),
    }
    book.save(built)

    loaded = load(built)

    assert loaded.plan is None
    errors = [p for p in loaded.problems if p.is_error]
    assert {p.path: p.location for p in errors} == expected, [str(p) for p in errors]
    by_path = {p.path: p for p in errors}
    assert by_path[MARGIN].message == "Margin = 1.4: 140% is above 100%"
    assert by_path[TIER].message.startswith("Tier = 'Gold': tier 'Gold' is not a tier of the plan")
