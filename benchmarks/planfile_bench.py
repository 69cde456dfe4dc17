"""Plan files at scale: ``partnerkit validate`` on 100,000-partner YAML and JSON plans, against yaml/json + pydantic.

    python benchmarks/planfile_bench.py [--partners 100000] [--repeat 5] [--quick]

Both contenders run end to end as commands, alternating, each in its own process: ``partnerkit
validate PLAN`` with the plan-size limit raised (``--max-size`` when the command has it; otherwise
the limit is raised in the process before the same command runs), and the script a user would
write without partnerkit: ``yaml.safe_load`` (or ``json.load``) and a small pydantic model of the
plan's partners. The YAML baseline runs safe_load's rules on libyaml's C parser (``CSafeLoader``):
the pure-Python ``safe_load`` took over ten minutes a sample on 100,000 partners here, too slow to
repeat, and the faster baseline is the harder one to beat. Target (issue 14): validate under 15 s
for each format.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

TARGET = 15.0
LIMIT_MB = 512

# What a user writes without partnerkit: load the file, validate the partners with pydantic.
BASELINE = """
import json, sys
from pydantic import BaseModel, ConfigDict

class Partner(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    tier: str | None = None
    facts: dict[str, object] = {}
    overrides: dict[str, object] = {}

class Category(BaseModel):
    model_config = ConfigDict(extra="allow")
    partners: list[Partner] = []

class PlanFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    categories: dict[str, Category]

path = sys.argv[1]
with open(path, encoding="utf-8") as handle:
    if path.endswith(".json"):
        data = json.load(handle)
    else:
        import yaml
        # safe_load's rules with libyaml's parser: pure-Python safe_load takes minutes at this size.
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
plan = PlanFile.model_validate(data)
print(sum(len(c.partners) for c in plan.categories.values()))
"""

# Without a --max-size option, the same command with the module's limit raised first.
RAISED = (
    "import sys\n"
    "import partnerkit.io.plantext as plantext\n"
    f"plantext.MAX_PLAN_BYTES = {LIMIT_MB} * 1024 * 1024\n"
    "from partnerkit.cli import main\n"
    "sys.argv = ['partnerkit', 'validate', sys.argv[1]]\n"
    "main()\n"
)


def validate_argv(plan: Path) -> tuple[list[str], str]:
    """The command that validates ``plan`` with the size limit raised, and how it is raised."""
    pk = harness.partnerkit_command()
    shown = subprocess.run([*pk, "validate", "--help"], capture_output=True, text=True, check=False).stdout
    if "--max-size" in shown:
        value = str(LIMIT_MB * 1024 * 1024) if "bytes" in shown.lower() else f"{LIMIT_MB}MB"
        return [*pk, "validate", str(plan), "--max-size", value], f"--max-size {value}"
    return [
        sys.executable,
        "-c",
        RAISED,
        str(plan),
    ], "no --max-size in this build: the limit raised in-process"


def write_plans(folder: Path, partners: int) -> tuple[Path, Path]:
    """The example plan grown to ``partners`` partners, written as YAML and as JSON."""
    import yaml
    from workbook_bench import plan_with

    from partnerkit.io.planfile import plan_to_data

    data = plan_to_data(plan_with(partners))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    as_yaml, as_json = folder / "plan.yaml", folder / "plan.json"
    with open(as_yaml, "w", encoding="utf-8") as out:
        yaml.dump(data, out, Dumper=dumper, sort_keys=False, allow_unicode=True)
    as_json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return as_yaml, as_json


def main(argv: list[str] | None = None) -> int:
    """Write the plans, run both contenders per format, print the tables and targets."""
    bench = harness.Bench("planfile_bench", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--partners", type=int, default=100_000)
    args = bench.parse(argv)
    partners = 300 if args.quick else args.partners
    with tempfile.TemporaryDirectory() as folder:
        for plan in write_plans(Path(folder), partners):
            command, how = validate_argv(plan)
            label = f"partnerkit validate {plan.suffix}"
            results = harness.run(
                f"{plan.suffix[1:].upper()} plan, {partners:,} partners, {plan.stat().st_size / 1e6:.1f} MB",
                [
                    Contender.command(label, command, ok_codes=(0, 1)),
                    Contender.command(
                        f"{'json.load' if plan.suffix == '.json' else 'yaml CSafeLoader'} + pydantic",
                        [sys.executable, "-c", BASELINE, plan],
                        baseline=True,
                    ),
                ],
                args.repeat,
            )
            bench.table(results, f"end to end; {how}")
            bench.under_seconds(results, label, TARGET, f"validate a {partners:,}-partner {plan.suffix} plan")
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
