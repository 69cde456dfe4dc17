"""A payout run's files for a 2,000-partner program on 1 and 2 workers, against a docxtpl loop; end to end.

    python benchmarks/payouts_bench.py [--partners 2000] [--deals 200000] [--baseline-count 200]
                                       [--repeat 5] [--quick]

Every contender runs in its own process, alternating:

* the files of a computed run (``services.payouts.write_run_files``: the run summary, then a CSV
  and a Word statement per partner, both of a partner's files one item of work) with ``workers=1``
  and ``workers=2``; the run itself (deals_bench's plan and synthetic CRM rows, the 2026-Q3
  payouts) is made beforehand, untimed;
* the loop a user writes with docxtpl and csv: ``DocxTemplate(path).render(context) + save`` and a
  ``csv.writer`` file per statement, on the first ``--baseline-count`` statements (their contexts
  made beforehand by partnerkit, untimed), with the shipped statement template; its figures are
  scaled to the run's statements (marked "scaled");
* end to end, ``partnerkit payouts PLAN --deals DEALS --period 2026-Q3 -o DIR --force`` with
  ``--workers 1`` and ``--workers 2``: the export read and checked and the run computed (one
  process's work) before the files; figures only.

Peak memory is the largest process's. Targets (ours, issue 14's for the agreement batch): the files
on 2 workers at least 1.7x as fast as on 1; on 1 worker at least 4x the docxtpl loop per statement.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

PERIOD = "2026-Q3"


def computed_run(partners: int, deals: int) -> tuple[Any, Any, Any]:
    """The plan, the period and the computed payout run of deals_bench's synthetic program."""
    from deals_bench import big_plan, partnerkit_deals

    from partnerkit.payouts import compute_payouts
    from partnerkit.pipeline import parse_period

    plan = big_plan(partners)
    rows = partnerkit_deals(deals, [p.name for _, p in plan.partners()])
    period = parse_period(PERIOD)
    return plan, period, compute_payouts(plan, rows, period)


def files_contender(partners: int, deals: int, workers: int, folder: str) -> Any:
    """partnerkit: the run's CSVs and Word statements, on ``workers`` processes."""
    from partnerkit.services.payouts import write_run_files

    plan, period, run = computed_run(partners, deals)
    out = Path(folder)

    def work() -> Any:
        files, _ = write_run_files(run, plan, out, prepared=period.end, workers=workers)
        csvs = sum(1 for path in files if path.suffix == ".csv")
        return lambda: f"{csvs} CSVs, {len(files) - csvs} statements"

    return work


def loop_contender(partners: int, deals: int, count: int, folder: str) -> Any:
    """The docxtpl and csv loop a user writes, on the first ``count`` statements' contexts."""
    import csv

    from docxtpl import DocxTemplate
    from jinja2.sandbox import SandboxedEnvironment

    from partnerkit.io.word.statement import statement_context, statement_template_path

    plan, period, run = computed_run(partners, deals)
    jobs = [(s, statement_context(s, run, plan, prepared=period.end)) for s in run.statements[:count]]
    template, out = str(statement_template_path()), Path(folder)
    out.mkdir(parents=True, exist_ok=True)

    def work() -> Any:
        env = SandboxedEnvironment(autoescape=True)
        for n, (statement, context) in enumerate(jobs):
            document = DocxTemplate(template)
            document.render(context, jinja_env=env)
            document.save(out / f"statement-{n:05d}.docx")
            with open(out / f"statement-{n:05d}.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["deal_id", "kind", "amount", "note"])
                writer.writerows(
                    [line.deal_id, line.kind.value, line.amount, line.note] for line in statement.lines
                )
        return lambda: f"{len(jobs)} statements"

    return work


def write_inputs(folder: Path, partners: int, deals: int) -> tuple[Path, Path]:
    """The plan file and the deals export of the same program, for the end-to-end commands."""
    from deals_bench import big_plan, write_deals_csv

    from partnerkit.io.planfile import plan_to_data

    plan = big_plan(partners)
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan_to_data(plan)), encoding="utf-8")
    return plan_file, write_deals_csv(folder, deals, [p.name for _, p in plan.partners()])


def main(argv: list[str] | None = None) -> int:
    """Run the contenders alternating, print the tables and targets."""
    bench = harness.Bench("payouts_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--partners", type=int, default=2000, help="partners in the program")
    bench.parser.add_argument("--deals", type=int, default=200_000, help="rows in the deals export")
    bench.parser.add_argument(
        "--baseline-count", type=int, default=200, help="statements for the docxtpl loop"
    )
    args = bench.parse(argv)
    partners, deals, base = (60, 3000, 10) if args.quick else (args.partners, args.deals, args.baseline_count)
    me = __file__
    _, _, run = computed_run(partners, deals)
    statements, base = len(run.statements), min(base, len(run.statements))
    del run
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        one, two = "partnerkit files, workers=1", "partnerkit files, workers=2"
        loop = f"docxtpl + csv loop ({base} statements, scaled)"
        size = {"partners": partners, "deals": deals}
        results = harness.run(
            f"the files of a {PERIOD} payout run: {statements:,} statements and CSVs",
            [
                Contender.call(one, me, "files_contender", workers=1, folder=str(folder / "one"), **size),
                Contender.call(two, me, "files_contender", workers=2, folder=str(folder / "two"), **size),
                Contender.call(
                    loop, me, "loop_contender", baseline=True, count=base, folder=str(folder / "loop"), **size
                ),
            ],
            args.repeat,
        )
        scale = statements / base
        for sample in results.samples.get(loop, []):
            sample.wall, sample.cpu = sample.wall * scale, sample.cpu * scale
        bench.table(results, f"the run made beforehand, untimed; the loop's times multiplied by {scale:g}")
        work = f"payout files, {statements:,} statements"
        bench.faster(results, two, one, 1.7, work)
        bench.faster(results, one, loop, 4, work)

        plan_file, export = write_inputs(folder, partners, deals)
        pk = harness.partnerkit_command()
        command: list[Any] = [*pk, "payouts", plan_file, "--max-size", "1GB", "--deals", export]
        command += ["--period", PERIOD, "--force", "-o"]
        e1, e2 = "partnerkit payouts --workers 1", "partnerkit payouts --workers 2"
        whole = harness.run(
            f"partnerkit payouts end to end: {deals:,} deals read, the run computed, its files written",
            [
                Contender.command(e1, [*command, folder / "e1", "--workers", "1"], baseline=True),
                Contender.command(e2, [*command, folder / "e2", "--workers", "2"]),
            ],
            args.repeat,
        )
        bench.table(whole, "end to end, start-up included; reading and computing run in one process")
        written = len(list((folder / "e1").glob("*.docx")))
        print(f"   statements written: {written:,} (and as many CSVs, and summary.csv)")
        bench.target(
            harness.Target(
                f"partnerkit payouts end to end, {statements:,} statements",
                "none set (figures only)",
                f"--workers 2 {whole.ratio(e1, e2):.2f}x --workers 1",
                None,
                **bench.figures(whole, e2, e1),
            )
        )
    return bench.finish()


if __name__ == "__main__":
    raise SystemExit(main())
