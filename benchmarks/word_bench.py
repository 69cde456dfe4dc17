"""``partnerkit agreements`` on 1,000 drafts with 1 and 2 workers, against a docxtpl loop; memory; compare.

    python benchmarks/word_bench.py [--count 1000] [--baseline-count 200] [--repeat 5] [--quick]
                                    [--only workers|compare] [--source-only]

Every contender is a command, run end to end in its own process, alternating:

* ``partnerkit agreements PLAN -o DIR --force --workers 1`` and ``--workers 2`` on a plan of
  ``--count`` partners (terms, lint, context and rendering of every draft, the files written);
* the loop a user writes with docxtpl: ``DocxTemplate(path).render(context) + save`` per draft, on
  the first ``--baseline-count`` drafts' contexts (made by partnerkit beforehand and read from a
  JSON file); its figures are scaled to ``--count`` drafts in the table (marked "scaled");
* ``partnerkit agreement compare`` of a returned draft with one changed term, beside a python-docx
  script that reads both drafts and lists the paragraphs and cells that differ.

partnerkit's modules are byte-compiled first, as installing it does (``--source-only`` leaves them
as sources). Compiled templates are kept between runs (``partnerkit/io/word/cache.py``), so only a
first sample on a fresh machine compiles them; the others find them, as a user's second run does.

Peak memory is the largest process's (with 2 workers, the parent or a worker, whichever is larger).
Targets: 2 workers at least 1.7x one worker (issue 14: read it with the load average, the machine
is shared); the 1-worker batch at least 4x the docxtpl loop per draft and compare under 1 s (issue 11).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

DOCXTPL_LOOP = """
import json, sys
from pathlib import Path
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
templates, out = json.loads(sys.argv[2]), Path(sys.argv[3])
out.mkdir(exist_ok=True)
env = SandboxedEnvironment(autoescape=True)
env.tests["blank"] = lambda value: value == "[\\u25cf]"
for n, (kind, context) in enumerate(jobs):
    document = DocxTemplate(templates[kind])
    document.render(context, jinja_env=env)
    document.save(out / f"draft-{n:05d}.docx")
"""

DOCX_DIFF = """
import sys
from docx import Document

def texts(path):
    document = Document(path)
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out += [cell.text for row in table.rows for cell in row.cells]
    return out

sent, back = texts(sys.argv[1]), texts(sys.argv[2])
changed = [(a, b) for a, b in zip(sent, back) if a != b]
print(len(changed))
"""


def write_inputs(folder: Path, count: int, baseline_count: int) -> tuple[Path, Path, dict[str, str]]:
    """The big plan file, the baseline's contexts (JSON) and the shipped templates' paths."""
    import yaml
    from terms import plan_with

    from partnerkit.deals import build_all_terms
    from partnerkit.io.planfile import plan_to_data
    from partnerkit.io.word.agreement import agreement_context, template_path

    plan = plan_with(count)
    plan_file = folder / "big-plan.yaml"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    plan_file.write_text(yaml.dump(plan_to_data(plan), Dumper=dumper, sort_keys=False, allow_unicode=True))
    jobs: list[tuple[str, dict[str, Any]]] = []
    for _, _, terms in build_all_terms(plan):
        if terms is not None and len(jobs) < baseline_count:
            jobs.append((terms.kind.value, agreement_context(terms, as_of=plan.product.date)))
    contexts = folder / "contexts.json"
    contexts.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    templates = {kind: str(template_path(kind)) for kind in {kind for kind, _ in jobs}}
    return plan_file, contexts, templates


def returned_draft(folder: Path) -> tuple[Path, Path, Path]:
    """The example plan, a draft sent to a partner, and that draft sent back with one key term changed."""
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
    return plan, sent, back


def main(argv: list[str] | None = None) -> int:
    """Write the inputs, run the contenders alternating, print the tables and targets."""
    bench = harness.Bench("word_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--count", type=int, default=1000, help="drafts in the batch")
    bench.parser.add_argument("--baseline-count", type=int, default=200, help="drafts for the docxtpl loop")
    bench.parser.add_argument(
        "--only",
        choices=("workers", "compare"),
        help="run one comparison alone: 'workers' (1 worker against 2, without the docxtpl loop, so a "
        "busy machine's quiet minutes go to more samples) or 'compare'",
    )
    args = bench.parse(argv)
    count, base_count = (20, 10) if args.quick else (args.count, min(args.baseline_count, args.count))
    pk = harness.partnerkit_command()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan_file, contexts, templates = write_inputs(folder, count, base_count)
        one, two = "partnerkit agreements --workers 1", "partnerkit agreements --workers 2"
        loop = f"docxtpl loop ({base_count} drafts, scaled)"
        batch = [*pk, "agreements", plan_file, "--force", "-o"]
        if args.only != "compare":
            contenders = [
                Contender.command(one, [*batch, folder / "one", "--workers", "1"]),
                Contender.command(two, [*batch, folder / "two", "--workers", "2"]),
            ]
            if args.only is None:
                loop_argv = [sys.executable, "-c", DOCXTPL_LOOP, contexts, json.dumps(templates)]
                contenders.append(Contender.command(loop, [*loop_argv, folder / "loop"], baseline=True))
            results = harness.run(f"{count:,} agreement drafts", contenders, args.repeat)
            scale = count / base_count
            for sample in results.samples.get(loop, []):
                sample.wall, sample.cpu = sample.wall * scale, sample.cpu * scale
            bench.table(results, f"end to end; the loop's times multiplied by {scale:g}")
            drafts = sorted((folder / "one").glob("*.docx"))
            by_loop = f"; by the loop: {base_count:,}" if args.only is None else ""
            print(f"   drafts written by partnerkit: {len(drafts):,}{by_loop}")
            work = f"agreements, {count:,} drafts"
            bench.faster(results, two, one, 1.7, work)
            if args.only is None:
                bench.faster(results, one, loop, 4, work)
        if args.only == "workers":
            return bench.finish()

        plan, sent, back = returned_draft(folder)
        compare = "partnerkit agreement compare"
        compared = harness.run(
            "compare a returned draft (one term changed)",
            [
                Contender.command(
                    compare,
                    [*pk, "agreement", "compare", plan, "--partner", "Brightline Advisory", back],
                    ok_codes=(0, 1),
                ),
                Contender.command(
                    "python-docx text diff", [sys.executable, "-c", DOCX_DIFF, sent, back], baseline=True
                ),
            ],
            args.repeat,
        )
        bench.table(compared, "end to end, start-up included")
        bench.under_seconds(compared, compare, 1, "agreement compare, one draft")
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
