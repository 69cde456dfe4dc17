"""Rendering 1,000 agreement drafts: the compiled engine against a fresh DocxTemplate per document.

Prints one table, all measured in this run on this machine:

* baseline: ``DocxTemplate(path).render(context, sandbox) + save`` per document (what docxtpl does);
* floor: only zipping the finished document's parts (the least any writer must do per document);
* partnerkit: template parsed and compiled once, XML parts rendered per document, untouched parts
  copied still compressed; in this process, and on every core through the batch's worker pool;
* memory: resident size after 100 and after all documents (flat means no growth with the batch).

Usage: python benchmarks/word_bench.py [--count 1000] [--baseline-count 200]
Targets (issue 4): at least 4x faster than the baseline, close to the floor, every core used.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from partnerkit.deals import build_all_terms
from partnerkit.io.planfile import load_example_plan
from partnerkit.io.word.agreement import TEMPLATE_FILES, load_template, template_path
from partnerkit.io.word.context import build_context
from partnerkit.io.word.engine import make_environment
from partnerkit.io.word.workers import Job, run_jobs


def contexts(count: int) -> list[tuple[str, dict[str, Any]]]:
    """``count`` draft contexts of the example program: its partners, renamed #1, #2, ..."""
    plan = load_example_plan()
    base = [
        (terms.kind.value, build_context(terms, as_of=plan.product.date))
        for _, _, terms in build_all_terms(plan)
        if terms is not None
    ]
    out = []
    for i in range(count):
        kind, context = base[i % len(base)]
        copy = dict(context)
        copy["partner_name"] = f"{context['partner_name']} #{i + 1}"
        copy["partner"] = {**context["partner"], "legal_name": f"{context['partner']['legal_name']} #{i + 1}"}
        out.append((kind, copy))
    return out


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def baseline(jobs: list[tuple[str, dict[str, Any]]]) -> float:
    """Seconds per document for a fresh DocxTemplate per document, rendered in the same sandbox."""
    from docxtpl import DocxTemplate

    start = time.perf_counter()
    for kind, context in jobs:
        document = DocxTemplate(template_path(kind))
        document.render(context, jinja_env=make_environment())
        document.save(BytesIO())
    return (time.perf_counter() - start) / len(jobs)


def floor(jobs: list[tuple[str, dict[str, Any]]]) -> float:
    """Seconds per document to zip a finished document's parts (deflated), and nothing else."""
    finished: dict[str, list[tuple[str, bytes]]] = {}
    for kind in TEMPLATE_FILES:
        sample = next(c for k, c in jobs if k == kind)
        with zipfile.ZipFile(BytesIO(load_template(kind).render(sample).data)) as archive:
            finished[kind] = [(n, archive.read(n)) for n in archive.namelist()]
    start = time.perf_counter()
    for kind, _ in jobs:
        with zipfile.ZipFile(BytesIO(), "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in finished[kind]:
                out.writestr(name, data)
    return (time.perf_counter() - start) / len(jobs)


def compiled(jobs: list[tuple[str, dict[str, Any]]], folder: Path) -> tuple[float, float, float]:
    """Seconds per document rendering and writing in this process; RSS after 100 and after all."""
    for kind in TEMPLATE_FILES:
        load_template(kind)  # compile once, as a batch does, outside the timing
    start = time.perf_counter()
    early = 0.0
    for i, (kind, context) in enumerate(jobs):
        load_template(kind).write(folder / f"{i}.docx", context)
        if i == 99:
            early = rss_mb()
    return (time.perf_counter() - start) / len(jobs), early, rss_mb()


def parallel(jobs: list[tuple[str, dict[str, Any]]], folder: Path, workers: int) -> float:
    """Wall seconds per document through the batch's worker pool (start-up included)."""
    templates = {kind: (template_path(kind).read_bytes(), name) for kind, name in TEMPLATE_FILES.items()}
    work = (Job(kind, context, str(folder / f"p{i}.docx")) for i, (kind, context) in enumerate(jobs))
    start = time.perf_counter()
    for done in run_jobs(work, templates, workers=workers):
        assert done.error is None, done.error
    return (time.perf_counter() - start) / len(jobs)


def _render_only(chunk: list[tuple[str, dict[str, Any]]]) -> int:
    """In a worker: render documents to bytes and drop them (no disk), returning the bytes made."""
    from partnerkit.io.word import workers

    return sum(len(workers._TEMPLATES[kind].render(context).data) for kind, context in chunk)


def cpu_only(jobs: list[tuple[str, dict[str, Any]]], workers: int) -> float:
    """Wall seconds per document rendering in ``workers`` processes without writing files (CPU only)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from partnerkit.io.word.workers import init_worker

    templates = {kind: (template_path(kind).read_bytes(), name) for kind, name in TEMPLATE_FILES.items()}
    chunks = [jobs[i : i + 25] for i in range(0, len(jobs), 25)]
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(templates, False, 0.0, 0),
    ) as pool:
        list(pool.map(_render_only, chunks[:workers]))  # start-up outside the timing
        start = time.perf_counter()
        list(pool.map(_render_only, chunks))
    return (time.perf_counter() - start) / len(jobs)


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="documents for partnerkit's runs")
    parser.add_argument("--baseline-count", type=int, default=200, help="documents for the slow baseline")
    args = parser.parse_args()
    jobs = contexts(args.count)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = baseline(jobs[: args.baseline_count])
        zip_floor = floor(jobs[: args.baseline_count])
        ours, early, late = compiled(jobs, folder)
        one_worker = parallel(jobs, folder, 1)
        all_cores = parallel(jobs, folder, cores)
        cpu_one = cpu_only(jobs, 1)
        cpu_all = cpu_only(jobs, cores)
    rows = [
        (f"fresh DocxTemplate per document ({args.baseline_count} docs)", base),
        (f"floor: zip the finished document ({args.baseline_count} docs)", zip_floor),
        (f"partnerkit, compiled once, this process ({args.count} docs)", ours),
        (f"partnerkit batch, 1 worker process ({args.count} docs)", one_worker),
        (f"partnerkit batch, {cores} worker processes ({args.count} docs)", all_cores),
        (f"render only, no files: 1 worker process ({args.count} docs)", cpu_one),
        (f"render only, no files: {cores} worker processes ({args.count} docs)", cpu_all),
    ]
    print(f"{'what':<62} {'ms/doc':>8} {'vs baseline':>12}")
    for label, seconds in rows:
        print(f"{label:<62} {seconds * 1000:>8.2f} {base / seconds:>11.1f}x")
    print()
    print(
        f"speed-up over a fresh DocxTemplate, same run: {base / ours:.1f}x in one process (target >= 4x), "
        f"{base / all_cores:.1f}x on {cores} cores"
    )
    print(
        f"cost over the zip floor: {ours / zip_floor:.2f}x; {cores} cores vs 1 worker: {one_worker / all_cores:.2f}x faster"
    )
    print(f"rendering alone (CPU): {cores} processes vs 1: {cpu_one / cpu_all:.2f}x faster")
    print(f"memory (RSS): {early:.0f} MB after 100 documents, {late:.0f} MB after {args.count}")


if __name__ == "__main__":
    main()
