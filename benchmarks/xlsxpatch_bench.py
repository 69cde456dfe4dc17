"""Benchmark: sync results into a 10,000-partner planning workbook, against openpyxl's load-and-save.

Run from the project folder:  python benchmarks/xlsxpatch_bench.py [--partners 10000] [--repeat 5]

Both contenders write the same cells (Tier, Change, Top gaps for every partner and a Problems sheet),
in turn (one run each, alternating, so a change in the machine's load hits both alike); the table
shows the medians and what each left of the rest of the workbook, and the load average seen.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.xlsxpatch.builders import build_planner  # noqa: E402

TARGET_SECONDS = 5.0


def results(partners: int) -> tuple[dict[str, dict[str, list[object]]], dict[str, list[list[object]]]]:
    tiers = ["Gold", "Silver", "Bronze", "Registered"]
    columns: dict[str, list[object]] = {
        "Tier": [tiers[i % 4] for i in range(partners)],
        "Change": ["up" if i % 7 == 0 else "" for i in range(partners)],
        "Top gaps": [f"ARR short by {i % 50} k; 2 certified engineers missing" for i in range(partners)],
    }
    problems: list[list[object]] = [["Sheet", "Cell", "Problem"]]
    problems += [["Partners", f"B{i + 2}", f"ARR {i} is below the Silver floor"] for i in range(500)]
    return {"Partners": columns}, {"Problems": problems}


def sync_with_xlsxpatch(path: Path, partners: int) -> None:
    from partnerkit.io.xlsxpatch import patch_workbook

    columns, sheets = results(partners)
    patch_workbook(path, columns=columns, sheets=sheets)


def sync_with_openpyxl(path: Path, partners: int) -> None:
    import openpyxl

    columns, sheets = results(partners)
    book = openpyxl.load_workbook(path, keep_vba=True)
    sheet = book["Partners"]
    for offset, name in enumerate(["Tier", "Change", "Top gaps"]):
        for i, value in enumerate(columns["Partners"][name]):
            sheet.cell(row=i + 2, column=3 + offset, value=value).data_type = "s"
    problems = book["Problems"]
    problems.delete_rows(1, problems.max_row)
    for row in sheets["Problems"]:
        problems.append(row)
    book.save(path)


def hashes(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: hashlib.sha256(archive.read(n)).hexdigest() for n in archive.namelist()}


def cached_values(path: Path) -> int:
    """Formula cells that still carry their cached value (what a reader without Excel sees)."""
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        return sum(len(re.findall(rb"</f><v>[^<]+</v>", archive.read(n))) for n in sheets)


def run_once(run: Callable[[Path, int], None], source: Path, partners: int) -> tuple[float, Path, str]:
    """One run on a fresh copy: the seconds, and the copy's hashes and cached values, as text."""
    folder = tempfile.mkdtemp()
    path = Path(folder) / "planner.xlsm"
    shutil.copyfile(source, path)
    start = time.perf_counter()
    run(path, partners)
    return time.perf_counter() - start, path, folder


def measure_alternating(
    contenders: list[tuple[str, Callable[[Path, int], None]]], source: Path, partners: int, repeat: int
) -> list[dict]:
    times: dict[str, list[float]] = {name: [] for name, _ in contenders}
    kept: dict[str, tuple[int, int, list[str], str]] = {}
    before = hashes(source)
    for i in range(repeat):
        order = contenders if i % 2 == 0 else list(reversed(contenders))
        for name, run in order:
            seconds, path, folder = run_once(run, source, partners)
            times[name].append(seconds)
            if name not in kept:
                after = hashes(path)
                same = sum(1 for n, h in before.items() if after.get(n) == h)
                cached = f"{cached_values(path)}/{cached_values(source)}"
                kept[name] = (same, len(before), sorted(set(before) - set(after)), cached)
            shutil.rmtree(folder, ignore_errors=True)
    return [
        {
            "name": name,
            "median": statistics.median(times[name]),
            "best": min(times[name]),
            "kept": kept[name][0],
            "parts": kept[name][1],
            "lost": kept[name][2],
            "cached": kept[name][3],
        }
        for name, _ in contenders
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = build_planner(Path(folder) / "source.xlsm", partners=args.partners, problems=50)
        size = source.stat().st_size
        load_before = os.getloadavg()[0]
        rows = measure_alternating(
            [
                ("partnerkit sync (xlsxpatch)", sync_with_xlsxpatch),
                ("openpyxl load + save (keep_vba)", sync_with_openpyxl),
            ],
            source,
            args.partners,
            args.repeat,
        )
    head = f"Sync of {args.partners:,} partners + 500 problems into a {size / 1e6:.1f} MB .xlsm"
    print(f"{head}, {args.repeat} runs each")
    widths = (34, 9, 8, 21, 14)
    titles = ("method", "median s", "best s", "parts byte-identical", "cached values")
    print(
        " ".join(
            f"{t:{'<' if i == 0 else '>'}{w}}" for i, (t, w) in enumerate(zip(titles, widths, strict=True))
        ),
        " parts lost",
    )
    for row in rows:
        cells = (
            row["name"],
            f"{row['median']:.2f}",
            f"{row['best']:.2f}",
            f"{row['kept']}/{row['parts']}",
            row["cached"],
        )
        line = " ".join(
            f"{c:{'<' if i == 0 else '>'}{w}}" for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        print(line, "", ", ".join(row["lost"]) or "none")
    ours, theirs = rows[0]["median"], rows[1]["median"]
    verdict = "meets" if ours < TARGET_SECONDS else "MISSES"
    ratio = theirs / ours
    print(
        f"target: under {TARGET_SECONDS:.0f} s: {verdict} ({ours:.2f} s); openpyxl takes {ratio:.1f}x as long"
    )
    print(
        f"load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
