"""Real files to spoil: the example plan as a planning workbook, and a small facts workbook and CSV."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from partnerkit.model import Plan

FACTS_CSV = (
    "partner,date,revenue,deals,certified_staff,executive_sponsor,tier,tier_since\n"
    "Orbit CRM,2026-06-30,25000,2,3,yes,Registered,2026-01-01\n"
    "Orbit CRM,2026-09-30,30000,1,4,yes,Registered,2026-01-01\n"
    "Stackpay,2026-09-30,12000,1,1,no,,\n"
)


def write_facts_workbook(path: Path) -> Path:
    """A facts workbook as a CRM exports it: a Facts sheet (dated rows) and a Notes sheet beside it."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Facts")
    sheet.write_row(0, 0, ["partner", "date", "revenue", "deals", "certified_staff", "executive_sponsor"])
    rows = [
        ("Orbit CRM", date(2026, 6, 30), 25000, 2, 3, "yes"),
        ("Orbit CRM", date(2026, 9, 30), 30000, 1, 4, "yes"),
        ("Stackpay", date(2026, 9, 30), 12000, 1, 1, "no"),
    ]
    for r, (name, when, revenue, deals, staff, sponsor) in enumerate(rows, start=1):
        sheet.write_string(r, 0, name)
        sheet.write_datetime(r, 1, when, day)
        sheet.write_number(r, 2, revenue)
        sheet.write_number(r, 3, deals)
        sheet.write_number(r, 4, staff)
        sheet.write_string(r, 5, sponsor)
    notes = book.add_worksheet("Notes")
    notes.write_string(0, 0, "Exported from the CRM every Monday")
    book.close()
    return path


@pytest.fixture(scope="session")
def planner_source(tmp_path_factory: pytest.TempPathFactory, example_plan: Plan) -> Path:
    """The example plan as a planning workbook (.xlsx), built once; copy it before spoiling it."""
    from partnerkit.io.workbook.build import build_workbook

    return build_workbook(example_plan, tmp_path_factory.mktemp("planner") / "planner.xlsx", macros=False)


@pytest.fixture(scope="session")
def facts_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small facts workbook, built once; copy it before spoiling it."""
    return write_facts_workbook(tmp_path_factory.mktemp("facts") / "facts.xlsx")


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Path, str], Path]:
    """A copy of a file in this test's folder, under ``name``."""

    def copy(source: Path, name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(source, target)
        return target

    return copy
