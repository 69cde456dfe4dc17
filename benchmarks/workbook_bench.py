"""Benchmark the planning workbook: read a 100,000-row partner sheet; every button and sync on 10,000 partners.

Baselines, measured in the same run: openpyxl reading the same sheet (the issue quotes ~28 s) and
python-calamine's raw table read (~2 s); targets: read under 3 s, each button's action under 5 s,
sync under 5 s, changing no byte of any part partnerkit does not own, side by side with openpyxl
loading and saving the same workbook (alternating runs, medians, the ratio).

Two 10,000-partner workbooks: "in use" repeats the example's partners with their facts and legal
details (a program a partner manager runs); "undecided" repeats one reseller without facts, so every
tier is undecided and every partner has findings (the worst case for the review and the Problems).

    python benchmarks/workbook_bench.py                  # everything
    python benchmarks/workbook_bench.py --quick          # skip openpyxl's slow full-load mode
    python benchmarks/workbook_bench.py --only buttons   # read | buttons | sync
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from partnerkit.io.planfile import load_example_plan
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan


def plan_in_use(partners: int) -> Plan:
    """The example plan with ``partners`` integration and distribution partners: the example's own,
    repeated in turn with their facts, tiers and legal details, renamed."""
    plan = load_example_plan()
    data = plan.model_dump(mode="json")
    for kind in ("integration", "distribution"):
        category = data["categories"][kind]
        originals = category["partners"]
        share = partners * len(originals) // 18  # the example's mix: 9 integration, 9 distribution
        category["partners"] = [
            dict(originals[i % len(originals)], name=f"{originals[i % len(originals)]['name']} {i:05d}")
            for i in range(max(share, len(originals)))
        ]
    return Plan.model_validate(data, context={"currency": "USD"})


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


# --- the buttons and sync on 10,000 partners ---------------------------------------------------------

BUTTON_TARGET = SYNC_TARGET = 5.0
# Buttons whose work is tables; the document buttons write one file per partner (agreements) or a
# document as long as the plan (the strategy) and are timed on their own, per document.
TABLE_BUTTONS = ("validate", "evaluate_tiers", "review_tiers", "check_terms", "schedule_roadmap")


def remote_book(payload: dict[str, Any]) -> Any:
    """The workbook as xlwings' remote engine opens it from what Excel's client sends."""
    import copy

    import xlwings as xw

    return xw.Book(json=copy.deepcopy(payload))


def time_buttons(path: Path, repeat: int) -> list[tuple[str, float, str]]:
    """Each table button's action through xlwings' remote engine (the payload is made once, not timed)."""
    import os
    import statistics

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine, for benchmarks
    import xlwings
    from xlwings.main import Engine
    from xlwings.pro import _xlremote

    if "remote" not in [e.name for e in xlwings.engines]:
        xlwings.engines.add(Engine(impl=_xlremote.engine))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from partnerkit.excel.actions import run
    from tests.excel.conftest import payload

    data = payload(path, "Overview", xlwings.__version__)
    rows: list[tuple[str, float, str]] = []
    for action in TABLE_BUTTONS:
        times = []
        for _ in range(repeat):
            book = remote_book(data)
            start = time.perf_counter()
            run(book, action)  # as the button runs it: never raising, failures on the Problems sheet
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        verdict = "meets" if median < BUTTON_TARGET else "MISSES"
        rows.append((f"button {action}", median, f"median of {repeat}; {verdict} < {BUTTON_TARGET:.0f} s"))
    return rows


def owned(path: Path) -> set[str]:
    """The parts sync may change: the sheets it writes into, their tables, and the Gantt picture."""
    import zipfile

    from partnerkit.io.ooxml.parts import rels_part, sheet_parts
    from partnerkit.io.workbook import layout as L

    written = {L.PROBLEMS, L.REVIEW, L.TERMS, L.PARTNERS, L.ROADMAP, L.OVERVIEW, L.SCHEDULE}
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
        names = set(archive.namelist())
        out = {parts[s] for s in written}
        for sheet in (L.PROBLEMS, L.REVIEW, L.TERMS):
            rels = rels_part(parts[sheet])
            if rels in names:
                text = archive.read(rels).decode()
                out |= {"xl/tables/" + t for t in __import__("re").findall(r"tables/(table\d+\.xml)", text)}
        out |= {n for n in names if n.startswith("xl/media/")}
    return out


def raw_entries(path: Path) -> dict[str, bytes]:
    """Every zip entry's stored bytes (local header and compressed data), by name."""
    from partnerkit.io.ooxml.package import Package

    package = Package.open(path)
    return {e.name: bytes(package.raw(e)) for e in (package.entry(n) for n in package.namelist())}


def sync_against_openpyxl(source: Path, repeat: int) -> list[tuple[str, float, str]]:
    """partnerkit workbook sync and openpyxl's load-and-save of the same workbook, in turn, ``repeat`` times."""
    import statistics
    from datetime import date, datetime

    import openpyxl

    from partnerkit.services import sync_workbook

    def ours(path: Path) -> None:
        sync_workbook(path, as_of=date(2026, 10, 1), now=datetime(2026, 10, 1, 9), backup=False)

    def theirs(path: Path) -> None:
        book = openpyxl.load_workbook(path, keep_vba=True)
        book.save(path)

    times: dict[str, list[float]] = {"sync": [], "openpyxl": []}
    kept = ""
    with tempfile.TemporaryDirectory() as folder:
        for i in range(repeat):
            for name, run in (
                (("sync", ours), ("openpyxl", theirs))
                if i % 2 == 0
                else (
                    ("openpyxl", theirs),
                    ("sync", ours),
                )
            ):
                path = Path(folder) / f"{name}.xlsm"
                shutil.copyfile(source, path)
                start = time.perf_counter()
                run(path)
                times[name].append(time.perf_counter() - start)
                if name == "sync" and not kept:
                    before, after = raw_entries(source), raw_entries(path)
                    foreign = set(before) - owned(source)
                    same = sum(1 for n in foreign if after.get(n) == before[n])
                    kept = f"{same}/{len(foreign)} foreign entries byte for byte"
    ours_median, theirs_median = statistics.median(times["sync"]), statistics.median(times["openpyxl"])
    verdict = "meets" if ours_median < SYNC_TARGET else "MISSES"
    return [
        ("workbook sync", ours_median, f"median of {repeat}; {verdict} < {SYNC_TARGET:.0f} s; {kept}"),
        (
            "openpyxl load + save (keep_vba)",
            theirs_median,
            f"median of {repeat}; {theirs_median / ours_median:.1f}x sync's time",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip openpyxl's full (not read-only) load")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sync-partners", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of sync and of openpyxl (alternating)")
    parser.add_argument("--button-repeat", type=int, default=3)
    parser.add_argument("--only", choices=("read", "buttons", "sync"), default=None)
    args = parser.parse_args()
    import os

    results: list[tuple[str, float, str]] = []
    load_before = os.getloadavg()[0]
    if args.only in (None, "buttons", "sync"):
        with tempfile.TemporaryDirectory() as folder:
            for label, make in (("in use", plan_in_use), ("undecided", plan_with)):
                path = Path(folder) / "planner.xlsm"
                plan = make(args.sync_partners)
                timed(
                    f"build a {args.sync_partners:,}-partner workbook ({label})",
                    lambda plan=plan, path=path: build_workbook(plan, path),
                    results,
                    "setup",
                )
                if args.only in (None, "buttons"):
                    results += [
                        (f"{n} ({label})", t, note) for n, t, note in time_buttons(path, args.button_repeat)
                    ]
                if args.only in (None, "sync"):
                    results += [
                        (f"{n} ({label})", t, note) for n, t, note in sync_against_openpyxl(path, args.repeat)
                    ]
    if args.only in (None, "read"):
        read_benchmarks(args, results)
    width = max(len(r[0]) for r in results)
    print(f"{'step'.ljust(width)}  {'seconds':>8}  note")
    for label, seconds, note in results:
        print(f"{label.ljust(width)}  {seconds:8.2f}  {note}")
    print(
        f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores"
    )


def read_benchmarks(args: argparse.Namespace, results: list[tuple[str, float, str]]) -> None:
    """Reading a 100,000-row partner sheet: openpyxl and calamine beside partnerkit's reading."""
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
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
