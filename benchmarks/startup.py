"""Start-up of the partnerkit command beside a bare Python and a Python that imports click (target: --help <= 0.15 s).

    python benchmarks/startup.py [--repeat 5] [--quick]

When ``--help`` is over its target, ``python -X importtime`` shows what it imports: the slowest
imports are printed under the table.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

TARGET = 0.15


def slowest_imports(argv: list[str], count: int = 12) -> list[tuple[int, str]]:
    """The modules ``argv`` imports that take longest (cumulative microseconds), from ``-X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, check=False
    ).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    """Time the commands, alternating, and print the table and the target."""
    bench = harness.Bench("startup", (__doc__ or "").splitlines()[0])
    args = bench.parse(argv)
    pk = harness.partnerkit_command()
    plan = Path(__file__).resolve().parent.parent / "partnerkit" / "examples" / "ledgerly.yaml"
    contenders = [
        Contender.command("python -c pass", [sys.executable, "-c", "pass"], baseline=True),
        Contender.command("python -c 'import click'", [sys.executable, "-c", "import click"]),
        Contender.command("partnerkit --help", [*pk, "--help"]),
        Contender.command("partnerkit --version", [*pk, "--version"]),
    ]
    if not args.quick:
        contenders.append(Contender.command("partnerkit validate (example plan)", [*pk, "validate", plan]))
    results = harness.run("start-up, end to end", contenders, args.repeat)
    bench.table(results)
    help_ = bench.under_seconds(results, "partnerkit --help", TARGET, "partnerkit --help")
    click = results.median("python -c 'import click'")
    print(
        f"   --help costs {results.median('partnerkit --help') - click:+.3f} s over importing click, "
        f"{results.median('partnerkit --help') - results.median('python -c pass'):+.3f} s over a bare Python"
    )
    if not help_.met:
        print("   slowest imports of 'partnerkit.cli' (python -X importtime, cumulative ms):")
        for micros, name in slowest_imports(["-c", "import partnerkit.cli"]):
            print(f"     {micros / 1000:8.1f}  {name}")
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
