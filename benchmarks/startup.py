"""Start-up time of the partnerkit command next to a bare Python, median of several runs (target: --help < 0.3 s)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
TARGET = 0.3


def timed(argv: list[str]) -> float:
    """Median wall time of running ``argv`` RUNS times."""
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print the table."""
    exe = shutil.which("partnerkit") or str(Path(sys.executable).parent / "partnerkit")
    rows = [
        ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
        ("python -c 'import partnerkit'", [sys.executable, "-c", "import partnerkit"]),
        ("partnerkit --help", [exe, "--help"]),
        ("partnerkit --version", [exe, "--version"]),
        (
            "partnerkit validate (example plan)",
            [
                exe,
                "validate",
                str(Path(__file__).resolve().parent.parent / "partnerkit" / "examples" / "ledgerly.yaml"),
            ],
        ),
    ]
    base = None
    print(f"{'command':40} {'median s':>9} {'vs python':>10}  target")
    print("-" * 72)
    for label, argv in rows:
        seconds = timed(argv)
        base = base or seconds
        target = f"< {TARGET} s {'met' if seconds < TARGET else 'MISSED'}" if "--help" in label else ""
        print(f"{label:40} {seconds:9.3f} {seconds / base:9.1f}x  {target}")


if __name__ == "__main__":
    main()
