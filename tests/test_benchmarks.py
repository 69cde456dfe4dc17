"""The benchmarks cannot rot: each script runs at a tiny size and prints its table and target lines.

No test here asserts a time: the figures of a smoke run mean nothing. What is asserted is that every
script still runs against the code as it is, prints its comparison and says met / MISSED for each
target, and that the harness measures what it claims (alternation, each child's own peak memory).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import harness  # noqa: E402
import run_all  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _launcher_reaped() -> Iterator[None]:
    # The in-process tests start the harness's launcher; reap it when they are done.
    yield
    harness.stop_launcher()


def run_script(*argv: str) -> str:
    """Run a benchmark script (tiny sizes, one sample) and return what it printed."""
    done = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, timeout=300, cwd=BENCHMARKS.parent
    )
    assert done.returncode == 0, (
        f"{argv[0]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", run_all.SCRIPTS)
def test_each_script_prints_its_table_and_targets(name: str) -> None:
    out = run_script(str(BENCHMARKS / f"{name}.py"), "--quick", "--repeat", "1")
    assert "cores; 1-minute load average" in out
    assert "median s" in out and "peak MB" in out and "cpu s" in out
    targets = [line for line in out.splitlines() if line.strip().startswith("target: ")]
    assert targets, out
    assert all(line.rstrip().endswith((": met", ": MISSED", ": n/a")) for line in targets), targets
    assert "before," in out and "after, on" in out


@pytest.mark.slow
def test_run_all_prints_one_summary_table() -> None:
    out = run_script(str(BENCHMARKS / "run_all.py"), "--quick", "--repeat", "1", "--only", "startup,terms")
    summary = out[out.index("== summary") :].splitlines()
    assert summary[1].split() == [
        "work",
        "partnerkit",
        "s",
        "baseline",
        "s",
        "ratio",
        "memory",
        "MB",
        "target",
        "measured",
        "verdict",
    ]
    rows = summary[3:-1]
    assert any(r.startswith("partnerkit --help") and "< 0.15 s" in r for r in rows), rows
    assert any(r.startswith("deal terms") and r.rstrip().endswith("n/a") for r in rows), rows
    assert summary[-1].startswith("targets met: ")


def test_contenders_alternate(tmp_path: Path) -> None:
    log = tmp_path / "order.txt"
    write = "import sys; open(sys.argv[1], 'a').write(sys.argv[2])"
    contenders = [
        harness.Contender.command(letter, [sys.executable, "-c", write, log, letter]) for letter in "AB"
    ]
    results = harness.run("order", contenders, repeat=4)
    assert log.read_text() == "ABBAABBA"
    assert [len(results.samples[c]) for c in "AB"] == [4, 4]


def test_each_child_reports_its_own_peak_memory() -> None:
    # This process holds 200 MB more than any child; a child must not be charged for it.
    ballast = b"x" * 200_000_000
    small = harness.Contender.command("small", [sys.executable, "-c", "pass"])
    large = harness.Contender.command("large", [sys.executable, "-c", "b = b'x' * 150_000_000"])
    results = harness.run("memory", [small, large], repeat=1)
    assert results.median("small", "rss_mb") < 100
    assert results.median("large", "rss_mb") > 150
    assert len(ballast) == 200_000_000


def test_a_factory_contender_reports_its_answer() -> None:
    script = str(BENCHMARKS / "roadmap_bench.py")
    results = harness.run(
        "plain", [harness.Contender.call("plain", script, "plain_contender", n=50, seed=1, capacity=4)], 1
    )
    (sample,) = results.samples["plain"]
    assert sample.answer is not None and sample.answer.startswith("makespan ")
    assert sample.wall > 0 and sample.cpu >= 0


def test_a_factory_contender_reports_its_laps(tmp_path: Path) -> None:
    # Laps taken inside the work come back per sample, in order, and add up to the work's wall time.
    script = tmp_path / "lapping.py"
    script.write_text(
        "import time\n"
        "import harness\n"
        "def lapping(first, second):\n"
        "    def work():\n"
        "        time.sleep(first)\n"
        "        harness.lap('first')\n"
        "        time.sleep(second)\n"
        "        harness.lap('second')\n"
        "    return work\n",
        encoding="utf-8",
    )
    contender = harness.Contender.call("lapping", str(script), "lapping", first=0.05, second=0.15)
    results = harness.run("laps", [contender], 3)
    laps = results.stages("lapping")
    assert list(laps) == ["first", "second"]
    assert 0.05 <= laps["first"] < 0.15 <= laps["second"]
    for sample in results.samples["lapping"]:
        assert sum(sample.stages.values()) == pytest.approx(sample.wall, abs=0.01)


def test_the_growth_exponent_is_the_slope_of_the_log_log_fit() -> None:
    assert harness.fit_exponent([(n, 3e-6 * n**2) for n in (100, 200, 400, 800)]) == pytest.approx(2)
    assert harness.fit_exponent([(n, 5e-4 * n) for n in (1000, 4000, 16000)]) == pytest.approx(1)
