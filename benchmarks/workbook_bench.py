"""Benchmark the planning workbook: read a 100,000-row partner sheet, and sync a 10,000-partner workbook.

Baselines, measured in the same run: openpyxl reading the same sheet (the issue quotes ~28 s) and
python-calamine's raw table read (~2 s); targets: read under 3 s, sync under 5 s.

    python benchmarks/workbook_bench.py            # everything
    python benchmarks/workbook_bench.py --quick    # skip openpyxl's slow full-load mode
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from partnerkit.io.planfile import load_example_plan
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan


def plan_with(partners: int) -> Plan:
    """The example plan with ``partners`` distribution partners (copies of the first, renamed)."""
    plan = load_example_plan()
    data = plan.model_dump(mode="json")
    template = data["categories"]["distribution"]["partners"][0]
    others = sum(len(data["categories"][k]["partners"]) for k in ("integration", "ecosystem"))
    rows = []
    for i in range(max(partners - others, 1)):
        row = dict(template, name=f"Reseller {i:06d}", overrides={}, facts={}, tier_since=None)
        row.pop("legal_name", None)
        rows.append(row)
    data["categories"]["distribution"]["partners"] = rows
    return Plan.model_validate(data, context={"currency": "USD"})


def timed(label: str, func: Callable[[], Any], results: list[tuple[str, float, str]], note: str = "") -> Any:
    start = time.perf_counter()
    value = func()
    results.append((label, time.perf_counter() - start, note))
    return value


def read_openpyxl(path: Path, read_only: bool) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=read_only, data_only=True)
    count = sum(1 for _ in book["Partners"].iter_rows(values_only=True))
    book.close()
    return count


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path), load_tables=True) as book:
        return len(book.get_table_by_name("Partners").to_python())


def read_partner_rows(path: Path) -> int:
    """partnerkit's reading proper: every table, every cell rule, into plan data with cell references."""
    from partnerkit.io.workbook.plandata import plan_data_from_tables
    from partnerkit.io.workbook.read import paused_gc, read_tables

    with paused_gc():
        tables, _ = read_tables(path)
        data, _, problems = plan_data_from_tables(tables, path.name)
    assert not problems, problems[:3]
    return sum(len(data["categories"][k]["partners"]) for k in ("integration", "distribution", "ecosystem"))


def read_and_validate(path: Path) -> int:
    """The reading plus the plan model's validation (no plan checks)."""
    from partnerkit.io.workbook.plandata import plan_data_from_tables
    from partnerkit.io.workbook.read import paused_gc, read_tables
    from partnerkit.model import Plan

    with paused_gc():
        tables, _ = read_tables(path)
        data, _, _ = plan_data_from_tables(tables, path.name)
        plan = Plan.model_validate(data, context={"currency": "USD"})
    return sum(1 for _ in plan.partners())


def read_partnerkit(path: Path) -> int:
    """What every command does with a workbook: read, validate, and run every plan check."""
    from partnerkit.io.workbook.read import load_plan_from_workbook

    plan, problems = load_plan_from_workbook(path)
    assert plan is not None, problems[:3]
    return sum(1 for _ in plan.partners())


def sync(path: Path) -> str:
    from datetime import date

    from partnerkit.services import sync_workbook

    outcome = sync_workbook(path, as_of=date(2026, 10, 1))
    return outcome.summary()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip openpyxl's full (not read-only) load")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sync-partners", type=int, default=10_000)
    args = parser.parse_args()
    results: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.xlsx"
        timed(
            f"build a {args.rows:,}-partner workbook (xlsxwriter)",
            lambda: build_workbook(plan_with(args.rows), big, macros=False),
            results,
            "setup",
        )
        if not args.quick:
            timed("openpyxl, full load", lambda: read_openpyxl(big, False), results, "baseline")
        timed("openpyxl, read_only", lambda: read_openpyxl(big, True), results, "baseline")
        timed("python-calamine, raw table", lambda: read_calamine(big), results, "baseline")
        count = timed(
            "partnerkit: read the sheets into plan data",
            lambda: read_partner_rows(big),
            results,
            "target < 3 s",
        )
        assert count >= args.rows
        timed("partnerkit: ... + plan model validation", lambda: read_and_validate(big), results, "")
        timed(
            "partnerkit: ... + every plan check (load)",
            lambda: read_partnerkit(big),
            results,
            "as commands do",
        )
        medium = Path(folder) / "planner.xlsm"
        build_workbook(plan_with(args.sync_partners), medium)
        try:
            summary = timed(
                f"partnerkit workbook sync, {args.sync_partners:,} partners",
                lambda: sync(medium),
                results,
                "target < 5 s",
            )
            print(f"sync: {summary}")
        except Exception as exc:  # the sync adapter may not be installed yet
            results.append(
                (
                    f"partnerkit workbook sync, {args.sync_partners:,} partners",
                    float("nan"),
                    f"not run: {exc}",
                )
            )
        shutil.rmtree(folder, ignore_errors=True)
    width = max(len(r[0]) for r in results)
    print(f"{'step'.ljust(width)}  {'seconds':>8}  note")
    for label, seconds, note in results:
        print(f"{label.ljust(width)}  {seconds:8.2f}  {note}")


if __name__ == "__main__":
    main()
