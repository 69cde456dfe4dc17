"""Run every benchmark and print one summary table: work, partnerkit, baseline, ratio, memory, target, verdict.

    python benchmarks/run_all.py [--quick] [--repeat 5] [--only tiers_bench,startup] [--source-only]

Each script runs in its own process with the same options and prints its own tables as it goes;
the summary at the end has one row per target. Columns: partnerkit and baseline are median wall
seconds, ratio is the baseline's median over partnerkit's (above 1: partnerkit is faster), memory
is partnerkit's median peak resident set in MB. The load average is shown before and after: the
machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HERE, SUMMARY_ENV

SCRIPTS = [
    "startup",
    "workbook_bench",
    "planfile_bench",
    "tiers_bench",
    "xlsxpatch_bench",
    "word_bench",
    "payouts_bench",
    "roadmap_bench",
    "deals_bench",
    "terms",
]


def cell(value: float | None, unit: str = "", digits: int = 2) -> str:
    """A figure for the table, or a dash."""
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def summary(rows: list[dict[str, object]]) -> list[str]:
    """The summary table's lines."""
    head = ("work", "partnerkit s", "baseline s", "ratio", "memory MB", "target", "measured", "verdict")
    body = [
        (
            str(r["work"]),
            cell(r.get("partnerkit")),  # type: ignore[arg-type]
            cell(r.get("baseline")),  # type: ignore[arg-type]
            cell(r.get("ratio"), "x"),  # type: ignore[arg-type]
            cell(r.get("memory"), digits=0),  # type: ignore[arg-type]
            str(r["text"]),
            str(r["value"]),
            str(r["verdict"]),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in column) for column in zip(head, *body, strict=True)]
    lines = []
    for n, row in enumerate([head, *body]):
        lines.append(
            "  ".join(
                c.ljust(w) if i in (0, 5, 6) else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the scripts one after the other, then print the summary table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run, not a measurement")
    parser.add_argument("--repeat", type=int, default=5, help="samples per contender (default 5)")
    parser.add_argument("--only", default="", help="comma-separated script names (default: all)")
    parser.add_argument(
        "--source-only", action="store_true", help="leave partnerkit without bytecode (see harness.py)"
    )
    args = parser.parse_args(argv)
    chosen = [s for s in SCRIPTS if not args.only or s in args.only.split(",")]
    before, started = os.getloadavg()[0], time.perf_counter()
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        found = Path(folder) / "summary.jsonl"
        found.touch()
        env = {**os.environ, SUMMARY_ENV: str(found)}
        for name in chosen:
            command = [sys.executable, str(HERE / f"{name}.py"), "--repeat", str(args.repeat)]
            if args.quick:
                command.append("--quick")
            if args.source_only:
                command.append("--source-only")
            print(f"\n$ python benchmarks/{name}.py {' '.join(command[2:])}", flush=True)
            if subprocess.run(command, env=env, check=False).returncode != 0:
                failed.append(name)
        rows = [json.loads(line) for line in found.read_text(encoding="utf-8").splitlines() if line]
    after = os.getloadavg()[0]
    print()
    print(
        f"== summary: {len(chosen)} scripts in {time.perf_counter() - started:.0f} s; {os.cpu_count()} cores; "
        f"1-minute load average {before:.2f} before, {after:.2f} after; {args.repeat} samples per contender"
        + ("; a smoke run (--quick), not a measurement" if args.quick else "")
    )
    for line in summary(rows):
        print(line)
    missed = sum(1 for r in rows if r["verdict"] == "MISSED")
    counted = sum(1 for r in rows if r["verdict"] != "n/a")
    print(
        f"targets met: {counted - missed} of {counted}"
        + (f"; scripts that failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
