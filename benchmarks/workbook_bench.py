"""The planning workbook's read: a 100,000-row Partners sheet into a validated plan, against openpyxl and calamine.

    python benchmarks/workbook_bench.py [--rows 100000] [--repeat 5] [--quick]

Contenders, each in its own process, alternating:

* partnerkit: ``load_plan_from_workbook`` (every table read, every cell rule, the plan model validated);
* openpyxl, normal load and read_only load, every row of the Partners sheet as values (what a user
  writes without partnerkit, before any validation);
* partnerkit's read again, stage by stage (the tables, the plan data, the models and checks), each
  stage lapped inside the same sample: where its time goes;
* python-calamine, the raw Partners table as Python lists (the floor: no checks at all);
* python-calamine and a plain pydantic model of the Partners columns, the script a user who wants
  validated rows would write: blank cells dropped, each row validated (no cell locations, no checks
  across rows, no plan). It shows what validation alone costs on this machine;

and, end to end, ``partnerkit validate`` on the same workbook beside a plain script that loads it
with openpyxl read_only. Targets (issue 14): read under 3 s, at least 9x openpyxl's normal load,
under 400 MB, within 2x of raw calamine; ``partnerkit validate`` under 4 s and 500 MB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

OPENPYXL_SCRIPT = (
    "import sys, openpyxl\n"
    "book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
    "rows = [r for r in book['Partners'].iter_rows(values_only=True)]\n"
    "book.close()\n"
)

# The validated read a user would script (calamine_pydantic below), run as a command: start-up included.
FLOOR_SCRIPT = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import workbook_bench\n"
    "workbook_bench.calamine_pydantic(sys.argv[2])()\n"
)


def plan_with(partners: int) -> Any:
    """The example plan with ``partners`` distribution partners (copies of the first, renamed)."""
    from partnerkit.io.planfile import load_example_plan
    from partnerkit.model import Plan

    data = load_example_plan().model_dump(mode="json")
    template = data["categories"]["distribution"]["partners"][0]
    others = sum(len(data["categories"][k]["partners"]) for k in ("integration", "ecosystem"))
    rows = []
    for i in range(max(partners - others, 1)):
        row = dict(template, name=f"Reseller {i:06d}", overrides={}, facts={}, tier_since=None)
        row.pop("legal_name", None)
        rows.append(row)
    data["categories"]["distribution"]["partners"] = rows
    return Plan.model_validate(data, context={"currency": "USD"})


def make_workbook(path: Path, partners: int) -> Path:
    """Write the planning workbook of a ``partners``-partner plan (xlsxwriter, no macros)."""
    from partnerkit.io.workbook.build import build_workbook

    build_workbook(plan_with(partners), path, macros=False)
    return path


# --- the contenders (factories: set-up here, the returned function is timed) ---------------------


def partnerkit_read(path: str) -> Any:
    """partnerkit: the workbook into a validated plan."""
    from partnerkit.io.workbook.read import load_plan_from_workbook

    def work() -> int:
        plan, problems = load_plan_from_workbook(path)
        assert plan is not None, [str(p) for p in problems[:3]]
        return sum(1 for _ in plan.partners())

    return work


def partnerkit_stages(path: str) -> Any:
    """partnerkit's read as ``load_workbook_plan`` does it, each stage lapped: the tables (the file
    checked, each sheet bounded and scanned, read with calamine), the plan data (every cell rule
    applied, every field located), the models and the plan's checks."""
    from partnerkit.collector import no_gc
    from partnerkit.io.workbook.plandata import plan_data_from_tables
    from partnerkit.io.workbook.read import read_tables
    from partnerkit.validation import validate_plan_data

    def work() -> int:
        # load_workbook_plan's costly calls (read_tables, then tables.read_plan's two), a lap after
        # each. Placing problems on their cells is left out: this plan has none, as the assert checks.
        with no_gc():  # as load_workbook_plan reads
            tables, read_problems = read_tables(Path(path))
            harness.lap("tables")
            data, refs, cell_problems = plan_data_from_tables(tables, Path(path).name)
            harness.lap("plan data")
            plan, found = validate_plan_data(data, consume=True, validated=refs.share_text)
            harness.lap("models and checks")
        problems = [*read_problems, *cell_problems, *found]
        assert plan is not None and not any(p.is_error for p in problems), [str(p) for p in problems[:3]]
        return sum(1 for _ in plan.partners())

    return work


def openpyxl_read(path: str, read_only: bool) -> Any:
    """openpyxl: every row of the Partners sheet, values only."""
    import openpyxl

    def work() -> int:
        book = openpyxl.load_workbook(path, read_only=read_only, data_only=True)
        rows = list(book["Partners"].iter_rows(values_only=True))
        book.close()
        return len(rows) - 1

    return work


def calamine_read(path: str) -> Any:
    """python-calamine: the raw Partners table as lists of Python values."""
    from python_calamine import CalamineWorkbook

    def work() -> int:
        with CalamineWorkbook.from_path(path, load_tables=True) as book:
            return len(book.get_table_by_name("Partners").to_python())

    return work


def calamine_pydantic(path: str) -> Any:
    """python-calamine and a plain pydantic model: every Partners row validated, blank cells left out."""
    from datetime import date
    from decimal import Decimal
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, TypeAdapter
    from python_calamine import CalamineWorkbook

    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

        category: Literal["Integration", "Distribution", "Ecosystem"]
        name: str
        type: str
        priority: Literal["P0", "P1", "P2"]
        status: str
        tier: str | None = None
        margin: Decimal | None = None
        annual_cost: Decimal | None = None
        customer_base: str | None = None
        their_value: str | None = None
        our_value: str | None = None
        benefit: str | None = None
        cost: str | None = None
        rationale: str | None = None
        sources: str | None = None
        legal_name: str | None = None
        notice_address: str | None = None
        contact: str | None = None
        effective_date: date | None = None
        tier_since: date | None = None
        proposed_tier: str | None = None
        change: str | None = None
        top_gaps: str | None = None

    rows_of = TypeAdapter(list[Row])

    def work() -> int:
        with CalamineWorkbook.from_path(path, load_tables=True) as book:
            table = book.get_table_by_name("Partners")
            keys = [str(h).lower().replace(" ", "_") for h in table.columns]
            rows = table.to_python()
        return len(
            rows_of.validate_python([{k: v for k, v in zip(keys, r, strict=True) if v != ""} for r in rows])
        )

    return work


def main(argv: list[str] | None = None) -> int:
    """Build the workbook, run the contenders alternating, print the tables and targets."""
    bench = harness.Bench("workbook_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--rows", type=int, default=100_000, help="partners in the workbook")
    args = bench.parse(argv)
    rows = 300 if args.quick else args.rows
    me = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as folder:
        book = make_workbook(Path(folder) / "partners.xlsx", rows)
        print(f"   workbook: {rows:,} partners, {book.stat().st_size / 1e6:.1f} MB")
        read = harness.run(
            f"read {rows:,} partners",
            [
                Contender.call("partnerkit (validated plan)", me, "partnerkit_read", path=str(book)),
                Contender.call("  the same, stage by stage", me, "partnerkit_stages", path=str(book)),
                Contender.call(
                    "openpyxl load", me, "openpyxl_read", baseline=True, path=str(book), read_only=False
                ),
                Contender.call("openpyxl read_only", me, "openpyxl_read", path=str(book), read_only=True),
                Contender.call("calamine raw table", me, "calamine_read", path=str(book)),
                Contender.call("calamine + plain pydantic", me, "calamine_pydantic", path=str(book)),
            ],
            args.repeat,
        )
        bench.table(read, "the work alone, in each child; memory: the child's peak")
        ours, work = "partnerkit (validated plan)", f"workbook read, {rows:,} partners"
        bench.under_seconds(read, ours, 3, work)
        bench.faster(read, ours, "openpyxl load", 9, work)
        bench.under_mb(read, ours, 400, work)
        bench.within(read, ours, "calamine raw table", 2, work)
        print(
            f"   (openpyxl read_only takes {read.ratio('openpyxl read_only', ours):.1f}x partnerkit's time)"
        )
        floor = read.median("calamine + plain pydantic")
        print(
            f"   (calamine + plain pydantic rows take {floor:.2f} s: partnerkit takes "
            f"{read.median(ours) / floor:.2f}x that, with every cell located and the plan checked)"
        )
        # Where partnerkit's time goes, from the laps of the staged runs themselves (medians of each).
        laps = read.stages("  the same, stage by stage")
        print(
            f"   (where it goes, median laps of the staged runs: the tables, each sheet bounded and scanned, "
            f"{laps['tables']:.2f} s (raw calamine: {read.median('calamine raw table'):.2f} s); the plan "
            f"data {laps['plan data']:.2f} s; the models and the plan's checks "
            f"{laps['models and checks']:.2f} s)"
        )

        validate = harness.run(
            "the command, end to end",
            [
                Contender.command(
                    "partnerkit validate", [*harness.partnerkit_command(), "validate", book], ok_codes=(0, 1)
                ),
                Contender.command(
                    "python: openpyxl read_only script",
                    [sys.executable, "-c", OPENPYXL_SCRIPT, book],
                    baseline=True,
                ),
                Contender.command(
                    "python: calamine + plain pydantic script",
                    [sys.executable, "-c", FLOOR_SCRIPT, Path(me).parent, book],
                ),
            ],
            args.repeat,
        )
        bench.table(validate, "start-up included")
        work = f"partnerkit validate, {rows:,} partners"
        bench.under_seconds(validate, "partnerkit validate", 4, work)
        bench.under_mb(validate, "partnerkit validate", 500, work)
        floor = validate.median("python: calamine + plain pydantic script")
        print(
            f"   (the calamine + plain pydantic script takes {floor:.2f} s: partnerkit validate takes "
            f"{validate.median('partnerkit validate') / floor:.2f}x that)"
        )
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
