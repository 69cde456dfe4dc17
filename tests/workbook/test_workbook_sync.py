"""``workbook sync``: the buttons' results written into the file without Excel, nothing else touched."""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.ooxml.parts import sheet_parts
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan

pytest.importorskip(
    "partnerkit.io.xlsxpatch", reason="the workbook patcher (issue 6, xlsxpatch) is not here yet"
)


def digests(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}


def owned_parts(path: Path, *sheets: str) -> set[str]:
    """The owned sheets (Problems, Review, Terms) and their tables, the sheets holding result columns,
    and the Gantt picture's image: all sync may rewrite."""
    owned = (L.PROBLEMS, L.REVIEW, L.TERMS)
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        tables = {
            n
            for n in archive.namelist()
            if n.startswith("xl/tables/")
            and any(f'name="{t}"'.encode() in archive.read(n) for t in ("Problems", "Review", "Terms"))
        }
        media = {n for n in archive.namelist() if n.startswith("xl/media/")}
    return {*(parts[s] for s in owned), *tables, *(parts[s] for s in sheets), *media}


@pytest.fixture
def broken(tmp_path: Path, example_plan: Plan) -> Path:
    plan = example_plan.model_copy(deep=True)
    plan.categories.distribution.partners[0].tier = "Platinum"  # no such tier: a located problem
    path = build_workbook(plan, tmp_path / "planner.xlsm")
    path.chmod(0o640)
    return path


def test_sync_writes_the_problems_and_nothing_else(broken: Path) -> None:
    before = digests(broken)
    result = CliRunner().invoke(cli, ["workbook", "sync", str(broken)])
    assert result.exit_code == 1, result.output  # the plan has an error, which is now on the sheet
    assert "Partners!F13" in result.output
    after = digests(broken)
    changed = {n for n in before if before[n] != after.get(n)}
    # With an error in the plan, only the Problems sheet (and its table) change.
    assert changed <= owned_parts(broken) - {p for p in owned_parts(broken) if "media" in p}
    assert set(after) >= set(before) - owned_parts(broken)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(broken), load_tables=True)
    problems = book.get_table_by_name("Problems")
    assert problems.columns == L.PROBLEMS_TABLE.headers
    first = problems.to_python()[0]
    assert first[:3] == ["error", "Partners", "F13"] and "Platinum" in first[4]
    # The rows above the table (its title, its button's row) are kept.
    assert book.get_sheet_by_name(L.PROBLEMS).to_python()[0][0] == "Problems"
    assert (broken.parent / "planner.xlsm.bak").read_bytes() != broken.read_bytes()
    assert stat.S_IMODE(os.stat(broken).st_mode) == 0o640


def test_sync_refuses_while_the_workbook_is_open(broken: Path) -> None:
    before = broken.read_bytes()
    (broken.parent / "~$planner.xlsm").write_bytes(b"locked")
    result = CliRunner().invoke(cli, ["workbook", "sync", str(broken)])
    assert result.exit_code == 2
    assert "open" in result.output
    assert broken.read_bytes() == before


def test_sync_of_a_clean_plan_empties_the_problems(tmp_path: Path, example_plan: Plan) -> None:
    path = build_workbook(example_plan, tmp_path / "planner.xlsm")
    before = digests(path)
    result = CliRunner().invoke(cli, ["workbook", "sync", str(path), "--json", "--as-of", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert '"problems": [' in result.output
    after = digests(path)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= owned_parts(path, L.PARTNERS, L.ROADMAP, L.OVERVIEW, L.SCHEDULE)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path), load_tables=True)
    partners = book.get_table_by_name("Partners")
    northwind = dict(zip(partners.columns, partners.to_python()[0], strict=True))
    assert (northwind["Proposed tier"], northwind["Change"]) == ("Strategic", "hold")
    activities = book.get_table_by_name("Activities")
    first = dict(zip(activities.columns, activities.to_python()[0], strict=True))
    # Typed: the dates read back as dates, the slack as a number.
    assert (first["Start"], first["Quarter"]) == (date(2026, 1, 5), "Q1")
    assert isinstance(first["Slack (weeks)"], float | int)
    # What the user typed is still there, and the workbook still reads as the same plan.
    from partnerkit.io.workbook.read import load_plan_from_workbook

    assert load_plan_from_workbook(path)[0] == example_plan


@pytest.mark.parametrize("as_of", ["2026-10-01", "2026-12-15", "2027-06-30"])
def test_tier_columns_say_what_each_partners_verdict_says(
    tmp_path: Path, example_plan: Plan, as_of: str
) -> None:
    """Words built once per distinct outcome are the words of each partner's own verdict."""
    from datetime import date

    from partnerkit.io.workbook.read import plan_from_read_tables, read_tables
    from partnerkit.io.workbook.results import tier_columns
    from partnerkit.services import tier_verdicts
    from partnerkit.services.tiers import top_gaps
    from partnerkit.tiers.evaluate import evaluate_tiers
    from partnerkit.tiers.explain import verdicts

    plan = example_plan.model_copy(deep=True)
    # Twins of every partner, some with another current tier, so equal outcomes meet unequal ones.
    for category in (plan.categories.integration, plan.categories.distribution, plan.categories.ecosystem):
        twins = []
        for k, partner in enumerate(category.partners):
            twin = partner.model_copy(update={"name": f"{partner.name} twin"})
            if k % 2:
                twin = twin.model_copy(update={"tier": None, "tier_since": None})
            elif partner.tier is not None:  # the same facts and tier start, another current tier
                other = next(t.name for t in plan.tiers if t.name != partner.tier)
                twin = twin.model_copy(update={"tier": other})
            twins.append(twin)
        category.partners += twins
    path = build_workbook(plan, tmp_path / "planner.xlsx", macros=False)
    tables, problems = read_tables(path)
    loaded = plan_from_read_tables(tables, problems, path.name)
    assert loaded.plan is not None, loaded.problems[:3]
    rows = len(tables["Partners"].rows)
    day = date.fromisoformat(as_of)
    # The words come from the service, worded once per distinct outcome...
    columns = tier_columns(loaded.plan, tier_verdicts(loaded, day).summaries(), loaded.locator, rows)
    # ...and must equal each partner's own verdict, worded one by one.
    expected: dict[str, tuple[str, str, str]] = {
        v.partner: (v.tier or "", v.change.value, top_gaps(v))
        for v in verdicts(evaluate_tiers(loaded.plan, day))
    }
    at = tables["Partners"].headers.index("Name")
    names = [row[at] for row in tables["Partners"].rows]
    got = {
        name: (columns["Proposed tier"][r], columns["Change"][r], columns["Top gaps"][r])
        for r, name in enumerate(names)
        if columns["Change"][r] is not None
    }
    assert got == expected
    assert len({g for _, _, g in got.values()}) > 3  # the plan gives a real mix of gaps
