"""Rendering 1,000 agreement drafts: partnerkit's batch against a fresh DocxTemplate per document, and more.

Everything is measured in this run, on this machine, alternating the contenders within each repeat
(so a change in the machine's load hits all of them alike), and reported as medians over the repeats:

* baseline: ``DocxTemplate(path).render(context, sandbox) + save`` per document, sequentially (what
  docxtpl does), on the first ``--baseline-count`` drafts;
* the batch: ``render_all_agreements`` on a plan of ``--count`` partners (terms, lint, context and
  rendering of every draft, files written, the folder synced once), with 1 worker (in this process)
  and with 2 worker processes;
* the ``partnerkit agreements`` command on that plan file, in a subprocess: wall time and the peak
  resident memory of its largest process;
* ``partnerkit agreement compare`` of a returned draft (one changed term): the service in this
  process, and the command end to end.

Usage: python benchmarks/word_bench.py [--count 1000] [--baseline-count 100] [--repeats 5]
Targets (issue 11): the batch at least 4x the baseline's sequential time per document; two workers at
least 1.7x one worker (on a quiet machine); compare under 1 s. The load average is printed before and
after: on a shared machine, read the worker ratio with it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from terms import plan_with

from partnerkit.deals import build_all_terms
from partnerkit.io.files import Overwrite
from partnerkit.io.planfile import plan_to_data
from partnerkit.io.word.agreement import agreement_context, load_template, template_path
from partnerkit.io.word.batch import render_all_agreements
from partnerkit.io.word.engine import make_environment
from partnerkit.model import Plan


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and its cores."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def contexts(plan: Plan, count: int) -> list[tuple[str, dict[str, Any]]]:
    """The first ``count`` drafts' template contexts."""
    out = []
    for _, _, terms in build_all_terms(plan):
        if terms is not None:
            out.append((terms.kind.value, agreement_context(terms, as_of=plan.product.date)))
        if len(out) == count:
            break
    return out


def baseline(jobs: list[tuple[str, dict[str, Any]]]) -> float:
    """Seconds per document for a fresh DocxTemplate per document, rendered in the same sandbox."""
    from docxtpl import DocxTemplate

    start = time.perf_counter()
    for kind, context in jobs:
        document = DocxTemplate(template_path(kind))
        document.render(context, jinja_env=make_environment())
        document.save(BytesIO())
    return (time.perf_counter() - start) / len(jobs)


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished children (the batch's workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch(plan: Plan, folder: Path, workers: int, count: int) -> tuple[float, float]:
    """Wall and CPU seconds per document for the whole batch, files written (existing ones replaced)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = render_all_agreements(plan, folder, workers=workers, overwrite=Overwrite.ALWAYS)
    elapsed, used = time.perf_counter() - start, cpu_seconds() - cpu
    assert len(result.written) == count and not result.skipped, result.skipped[:1]
    return elapsed / count, used / count


_PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def command(args: list[str]) -> tuple[float, float]:
    """Wall seconds of a partnerkit command in a subprocess, and the peak RSS (MB) of its largest process."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, sys.executable, "-m", "partnerkit.cli", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    return elapsed, int(out.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def returned_draft(folder: Path) -> tuple[Path, Path]:
    """A plan file and a draft sent back with one key term changed."""
    from docx import Document

    from partnerkit.io.planfile import example_plan_path
    from partnerkit.io.planfile import load as load_plan
    from partnerkit.services import draft_agreement

    plan = folder / "plan.yaml"
    shutil.copyfile(example_plan_path(), plan)
    sent = folder / "sent.docx"
    draft_agreement(load_plan(plan), "Brightline Advisory", sent, force=True)
    document = Document(str(sent))
    (row,) = [r for r in document.tables[1].rows if r.cells[0].text == "Protection period"]
    row.cells[1].paragraphs[0].runs[0].text = "60 days"
    for run in row.cells[1].paragraphs[0].runs[1:]:
        run.text = ""
    back = folder / "returned.docx"
    document.save(str(back))
    return plan, back


def compare_service(plan: Path, back: Path) -> float:
    """Seconds for compare_agreement in this process (the plan loaded, the shipped template compiled)."""
    from partnerkit.io.planfile import load as load_plan
    from partnerkit.services import compare_agreement

    loaded = load_plan(plan)
    start = time.perf_counter()
    result = compare_agreement(loaded, "Brightline Advisory", back)
    elapsed = time.perf_counter() - start
    assert len(result.comparison.terms) == 1
    return elapsed


def pages(docx: Path, folder: Path) -> int | None:
    """The page count LibreOffice gives the draft, when LibreOffice is installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        timeout=300,
    )
    pdf = folder / f"{docx.stem}.pdf"
    if not pdf.exists() or shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), None)


def verdict(value: float, target: float, higher: bool = True) -> str:
    met = value >= target if higher else value <= target
    return "met" if met else "NOT met"


def main() -> None:
    """Run every measurement, alternating, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="drafts in the batch")
    parser.add_argument("--baseline-count", type=int, default=100, help="drafts for the slow baseline")
    parser.add_argument("--repeats", type=int, default=5, help="alternating repeats (medians reported)")
    args = parser.parse_args()
    before = load()
    plan = plan_with(args.count)
    jobs = contexts(plan, args.baseline_count)
    for kind in ("integration", "reseller"):
        load_template(kind)  # compiled once, as every batch does in its process
    samples: dict[str, list[float]] = {
        "baseline": [],
        "one": [],
        "two": [],
        "cpu-one": [],
        "cpu-two": [],
        "command": [],
        "memory": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan_file = folder / "big-plan.yaml"
        plan_file.write_text(
            yaml.safe_dump(plan_to_data(plan), sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        order = ["baseline", "one", "two", "command"]
        for repeat in range(args.repeats):
            for name in order if repeat % 2 == 0 else list(reversed(order)):
                if name == "baseline":
                    samples[name].append(baseline(jobs))
                elif name in ("one", "two"):
                    wall, cpu = batch(plan, folder / name, 1 if name == "one" else 2, args.count)
                    samples[name].append(wall)
                    samples[f"cpu-{name}"].append(cpu)
                else:
                    seconds, peak = command(
                        ["agreements", str(plan_file), "-o", str(folder / "cmd"), "--force"]
                    )
                    samples["command"].append(seconds)
                    samples["memory"].append(peak)
            print(f"repeat {repeat + 1}/{args.repeats} done ({load()})", file=sys.stderr)
        small_plan, back = returned_draft(folder)
        compare_in_process = statistics.median(compare_service(small_plan, back) for _ in range(args.repeats))
        compare_command = statistics.median(
            command(["agreement", "compare", str(small_plan), "--partner", "Brightline Advisory", str(back)])[
                0
            ]
            for _ in range(args.repeats)
        )
        page_count = pages(folder / "sent.docx", folder)
    after = load()

    base, one, two = (statistics.median(samples[k]) for k in ("baseline", "one", "two"))
    speedups = [b / o for b, o in zip(samples["baseline"], samples["one"], strict=True)]
    worker_ratios = [o / t for o, t in zip(samples["one"], samples["two"], strict=True)]
    speedup, workers_ratio = statistics.median(speedups), statistics.median(worker_ratios)
    print(f"{args.repeats} alternating repeats; medians. Before: {before}. After: {after}.")
    print()
    print(f"{'what':<66} {'ms/doc':>8}")
    print(
        f"{f'fresh DocxTemplate per document, sequential ({args.baseline_count} docs)':<66} {base * 1000:>8.2f}"
    )
    print(f"{f'partnerkit batch, 1 worker (this process) ({args.count} docs)':<66} {one * 1000:>8.2f}")
    print(f"{f'partnerkit batch, 2 worker processes ({args.count} docs)':<66} {two * 1000:>8.2f}")
    print()
    print(
        f"batch vs docxtpl sequential: {speedup:.1f}x (per repeat {', '.join(f'{s:.1f}' for s in speedups)}); "
        f"target >= 4x: {verdict(speedup, 4)}"
    )
    print(
        f"2 workers vs 1: {workers_ratio:.2f}x (per repeat {', '.join(f'{r:.2f}' for r in worker_ratios)}); "
        f"target >= 1.7x on a quiet machine: {verdict(workers_ratio, 1.7)}"
    )
    cpu_one, cpu_two = statistics.median(samples["cpu-one"]), statistics.median(samples["cpu-two"])
    print(
        f"CPU per document: {cpu_one * 1000:.2f} ms with 1 worker, {cpu_two * 1000:.2f} ms with 2 (workers' "
        f"start-up included): with two idle cores, 2 workers would take {cpu_two / 2 * 1000:.2f} ms a "
        f"document, {cpu_one / (cpu_two / 2):.2f}x one worker"
    )
    print(
        f"'partnerkit agreements' on {args.count} partners: {statistics.median(samples['command']):.2f} s wall, "
        f"peak RSS {statistics.median(samples['memory']):.0f} MB (largest process)"
    )
    shown = f"a {page_count}-page draft" if page_count else "a draft"
    print(
        f"compare of {shown}: {compare_in_process * 1000:.0f} ms in process, "
        f"{compare_command:.2f} s for the command (start-up included); target < 1 s: "
        f"{verdict(compare_command, 1.0, higher=False)}"
    )


if __name__ == "__main__":
    main()
