"""The benchmarks' shared harness: every contender in its own process, alternating, medians, targets, a table.

A script names its contenders (partnerkit and the baseline a user would otherwise write), and the
harness runs each one in a fresh child process, in the order A B B A A B ... (several contenders:
the order reversed every repeat), so a change in the machine's load hits them alike. Per sample it
keeps the wall time, the CPU time (user + system) and the child's peak resident memory, which
``os.wait4`` gives for that child alone (with its workers: the largest of them).

Two kinds of contender:

* ``Contender.command``: a command line (``partnerkit workbook sync ...``), timed end to end, start-up
  included, as a user meets it;
* ``Contender.call``: a factory function of the benchmark script, run in the child: the factory does
  the set-up (untimed) and returns the work; the child times the work alone, as a first call in a
  fresh process (lazy imports inside it included), and reports back. The peak memory still
  includes the set-up's inputs, in each contender's own form of them.

Every sample is started by a small launcher process (``_Launcher``), so that what the benchmark
script itself holds (a 100,000-partner input it built) is not charged to its contenders.

Every script prints its targets with "met" or "MISSED", the load average before and after and the
core count. With ``PARTNERKIT_BENCH_SUMMARY`` set to a file name, each target is also appended to it
as a JSON line, which ``run_all.py`` gathers into one table.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUMMARY_ENV = "PARTNERKIT_BENCH_SUMMARY"
MIN_REPEAT = 5


# --- what a script declares ---------------------------------------------------------------------


@dataclass
class Contender:
    """One way of doing the work: a command line, or a factory in the script run in a child process."""

    name: str
    argv: list[str] | None = None
    script: str | None = None
    factory: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    baseline: bool = False
    ok_codes: tuple[int, ...] = (0,)
    cwd: str | None = None
    before: Callable[[], None] | None = None  # run (untimed) before each sample: a fresh copy of a file

    @classmethod
    def command(
        cls,
        name: str,
        argv: Sequence[str | Path],
        *,
        baseline: bool = False,
        ok_codes: tuple[int, ...] = (0,),
        before: Callable[[], None] | None = None,
    ) -> Contender:
        """A command line, timed from start to exit."""
        return cls(name, argv=[str(a) for a in argv], baseline=baseline, ok_codes=ok_codes, before=before)

    @classmethod
    def call(
        cls, name: str, script: str, factory: str, *, baseline: bool = False, **kwargs: Any
    ) -> Contender:
        """``factory(**kwargs)`` of ``script`` in a child: the set-up, returning the work that is timed."""
        return cls(
            name, script=str(Path(script).resolve()), factory=factory, kwargs=kwargs, baseline=baseline
        )


def partnerkit_command() -> list[str]:
    """The installed ``partnerkit`` console script beside this Python, or ``python -m partnerkit.cli``."""
    exe = Path(sys.executable).parent / "partnerkit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "partnerkit.cli"]


@dataclass
class Sample:
    """One run of one contender."""

    wall: float
    cpu: float
    rss_mb: float
    answer: str | None = None
    stages: dict[str, float] = field(default_factory=dict)  # the work's own laps (``lap``), in order


@dataclass
class Results:
    """Every sample of every contender of one comparison."""

    title: str
    contenders: list[Contender]
    samples: dict[str, list[Sample]]

    def median(self, name: str, what: str = "wall") -> float:
        """The median wall (or ``cpu``, ``rss_mb``) of a contender's samples."""
        return statistics.median(getattr(s, what) for s in self.samples[name])

    def stages(self, name: str) -> dict[str, float]:
        """The median of each lap a contender's work took (``lap``), in the order the work took them."""
        names = list(dict.fromkeys(k for s in self.samples[name] for k in s.stages))
        return {k: statistics.median(s.stages.get(k, 0.0) for s in self.samples[name]) for k in names}

    def best(self, name: str) -> float:
        """The best (shortest) wall time of a contender."""
        return min(s.wall for s in self.samples[name])

    def ratio(self, slower: str, faster: str) -> float:
        """Median wall of ``slower`` over median wall of ``faster``: how many times faster ``faster`` is."""
        return self.median(slower) / max(self.median(faster), 1e-9)

    def answers(self) -> dict[str, set[str | None]]:
        """Each contender's distinct answers over its samples (a check that all did the same work)."""
        return {name: {s.answer for s in runs} for name, runs in self.samples.items()}

    @property
    def baseline(self) -> Contender | None:
        """The first contender marked as the baseline."""
        return next((c for c in self.contenders if c.baseline), None)


# --- running ------------------------------------------------------------------------------------


class _Launcher:
    """A small process that starts every sample, so a child's peak memory is its own.

    Linux carries the parent's peak resident set into a forked child's ``ru_maxrss``; a benchmark
    that built a 100,000-partner input would lend it to every contender. The launcher is started
    before the benchmark grows, holds the standard library only, and runs each sample on request.
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--launcher"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def start(self, argv: list[str], cwd: str | None, errors: str) -> tuple[float, int, dict[str, float]]:
        """Run ``argv`` to its end: wall seconds, exit code and the child's resource usage."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "errors": errors}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return answer["wall"], answer["code"], answer["usage"]


_LAUNCHER: _Launcher | None = None


def start_launcher() -> None:
    """Start the launcher now (call early, while this process is still small)."""
    global _LAUNCHER
    if _LAUNCHER is None:
        _LAUNCHER = _Launcher()
        atexit.register(stop_launcher)


def stop_launcher() -> None:
    """Let the launcher finish and reap it (at exit, or when a caller is done with the harness)."""
    global _LAUNCHER
    if _LAUNCHER is not None:
        process, _LAUNCHER = _LAUNCHER.process, None
        assert process.stdin is not None and process.stdout is not None
        process.stdin.close()  # the launcher's loop ends at the end of its input
        process.wait()
        process.stdout.close()


def _launch_loop() -> None:
    """In the launcher: run each requested command, report wall time, exit code and rusage."""
    env = dict(os.environ)
    env.pop(SUMMARY_ENV, None)
    for line in sys.stdin:
        job = json.loads(line)
        with open(job["errors"], "wb") as err:
            start = time.perf_counter()
            child = subprocess.Popen(
                job["argv"], stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=job["cwd"]
            )
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
        child.returncode = code = os.waitstatus_to_exitcode(status)
        figures = {"maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}
        sys.stdout.write(json.dumps({"wall": wall, "code": code, "usage": figures}) + "\n")
        sys.stdout.flush()


def _run_child(contender: Contender, folder: Path) -> Sample:
    result_file = folder / "result.json"
    result_file.unlink(missing_ok=True)
    if contender.before is not None:
        contender.before()
    if contender.argv is not None:
        argv = contender.argv
    else:
        payload = json.dumps(contender.kwargs)
        argv = [sys.executable, __file__, "--child", str(contender.script), str(contender.factory), payload]
        argv.append(str(result_file))
    errors = folder / "stderr.txt"
    start_launcher()
    assert _LAUNCHER is not None
    wall, code, usage = _LAUNCHER.start(argv, contender.cwd, str(errors))
    if code not in contender.ok_codes:
        tail = errors.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"{contender.name}: exit code {code}\n{' '.join(argv)}\n{tail}")
    rss = usage["maxrss"] / 1024  # KiB on Linux
    if contender.argv is not None:
        return Sample(wall, usage["cpu"], rss)
    reported = json.loads(result_file.read_text(encoding="utf-8"))
    return Sample(reported["wall"], reported["cpu"], rss, reported.get("answer"), reported.get("stages", {}))


def run(title: str, contenders: Sequence[Contender], repeat: int) -> Results:
    """Run every contender ``repeat`` times, alternating (A B, B A, ...), each sample in a fresh process."""
    samples: dict[str, list[Sample]] = {c.name: [] for c in contenders}
    order = list(contenders)
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(repeat):
            for contender in order if round_ % 2 == 0 else reversed(order):
                samples[contender.name].append(_run_child(contender, Path(tmp)))
    return Results(title, list(contenders), samples)


_LAPS: dict[str, float] = {}
_LAP_START = [0.0]


def lap(name: str) -> None:
    """In a contender's work: the time since the work began, or since the last lap, is stage ``name``.

    The stages of one sample add up to its wall time (less what follows the last lap), so "where the
    time goes" is read from the very runs that are timed, not from other contenders' medians.
    """
    now = time.perf_counter()
    _LAPS[name] = _LAPS.get(name, 0.0) + now - _LAP_START[0]
    _LAP_START[0] = now


def _child(script: str, factory: str, payload: str, result_file: str) -> None:
    """In the child: load the script, run the factory (set-up), time the work, write the figures."""
    import resource

    spec = importlib.util.spec_from_file_location("benchmark_under_test", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    work: Callable[[], Any] = getattr(module, factory)(**json.loads(payload))
    gc.collect()

    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    # The script imports this file as ``harness``; here it runs as __main__: its laps are that module's.
    import harness as shared

    start, used = time.perf_counter(), cpu()
    shared._LAP_START[0] = start
    answer = work()
    wall, used = time.perf_counter() - start, cpu() - used
    if callable(answer):  # the check of the answer (a digest, say) is not the work: it runs untimed
        answer = answer()
    Path(result_file).write_text(
        json.dumps(
            {
                "wall": wall,
                "cpu": used,
                "answer": None if answer is None else str(answer),
                "stages": shared._LAPS,
            }
        ),
        encoding="utf-8",
    )


# --- targets and printing -----------------------------------------------------------------------


@dataclass
class Target:
    """A goal of the issue, the figure this run measured for it, and whether it was met."""

    work: str
    text: str
    value: str
    met: bool | None  # None: the issue sets no target, the figures are reported only
    partnerkit: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    memory: float | None = None

    @property
    def verdict(self) -> str:
        """``met``, ``MISSED``, or ``n/a`` where no target is set."""
        return "n/a" if self.met is None else ("met" if self.met else "MISSED")


def byte_compile_partnerkit() -> None:
    """Compile partnerkit's modules to bytecode, as installing it does, before the samples are timed.

    The libraries of every contender are installed with their bytecode; partnerkit, installed
    editable from its sources, gets none where Python may not write it (PYTHONDONTWRITEBYTECODE),
    and each sample would compile some 150 modules again, a few tenths of a second a user never
    waits. ``--source-only`` measures without.
    """
    import compileall

    import partnerkit

    compileall.compile_dir(Path(partnerkit.__file__).parent, quiet=1)


class Bench:
    """One benchmark script's run: its options, the load average, its tables and its targets."""

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.parser = argparse.ArgumentParser(description=description)
        self.parser.add_argument(
            "--repeat", type=int, default=MIN_REPEAT, help=f"samples per contender (default {MIN_REPEAT})"
        )
        self.parser.add_argument(
            "--quick", action="store_true", help="tiny sizes: a smoke run, not a measurement"
        )
        self.parser.add_argument(
            "--source-only",
            action="store_true",
            help="leave partnerkit without bytecode (each sample compiles its modules, as an editable "
            "install under PYTHONDONTWRITEBYTECODE does)",
        )
        self.targets: list[Target] = []
        self.load_before = os.getloadavg()[0]
        start_launcher()  # before the script builds its inputs: see _Launcher

    def parse(self, argv: Sequence[str] | None = None) -> argparse.Namespace:
        """Parse the options and print the run's header (machine, load, repeats)."""
        args = self.parser.parse_args(argv)
        if not args.source_only:
            byte_compile_partnerkit()
        note = "" if args.repeat >= MIN_REPEAT and not args.quick else " (a smoke run, not a measurement)"
        print(f"== {self.name}: {self.parser.description}")
        print(
            f"   {os.cpu_count()} cores; 1-minute load average {self.load_before:.2f} before; "
            f"{args.repeat} alternating samples per contender, each in its own process{note}"
        )
        return args

    def table(self, results: Results, note: str = "") -> None:
        """Print a comparison: per contender its medians (wall, CPU, peak RSS), best, and ratio to the baseline."""
        base = results.baseline
        print()
        print(f"-- {results.title}" + (f" ({note})" if note else ""))
        width = max(28, *(len(c.name) for c in results.contenders))
        head = (
            f"   {'contender':<{width}} {'median s':>9} {'best s':>8} {'cpu s':>8} {'peak MB':>8} "
            f"{'vs baseline':>11}"
        )
        print(head)
        print("   " + "-" * (len(head) - 3))
        for c in results.contenders:
            if base is None or c is base:
                ratio = "baseline" if c is base else ""
            else:
                ratio = f"{results.ratio(base.name, c.name):.2f}x"
            print(
                f"   {c.name:<{width}} {results.median(c.name):>9.3f} {results.best(c.name):>8.3f} "
                f"{results.median(c.name, 'cpu'):>8.3f} {results.median(c.name, 'rss_mb'):>8.0f} {ratio:>11}"
            )
        print("   (vs baseline: the baseline's median wall over this one's; above 1 is faster)")

    def target(self, target: Target) -> Target:
        """Record a target and print its line."""
        self.targets.append(target)
        print(f"   target: {target.work}: {target.text}: {target.value}: {target.verdict}")
        return target

    # The kinds of target the issue sets, each worded once.

    def under_seconds(self, results: Results, name: str, limit: float, work: str) -> Target:
        """The median wall of ``name`` under ``limit`` seconds."""
        value = results.median(name)
        return self.target(
            Target(work, f"< {limit:g} s", f"{value:.2f} s", value < limit, **self.figures(results, name))
        )

    def under_mb(self, results: Results, name: str, limit: float, work: str) -> Target:
        """The median peak RSS of ``name`` under ``limit`` MB."""
        value = results.median(name, "rss_mb")
        return self.target(
            Target(work, f"< {limit:g} MB", f"{value:.0f} MB", value < limit, **self.figures(results, name))
        )

    def faster(self, results: Results, name: str, than: str, factor: float, work: str) -> Target:
        """``name`` at least ``factor`` times faster than ``than`` (ratio of medians)."""
        value = results.ratio(than, name)
        figures = self.figures(results, name, than)
        return self.target(
            Target(work, f">= {factor:g}x {than}", f"{value:.2f}x", value >= factor, **figures)
        )

    def within(self, results: Results, name: str, of: str, factor: float, work: str) -> Target:
        """``name`` takes at most ``factor`` times as long as ``of`` (ratio of medians)."""
        value = results.median(name) / max(results.median(of), 1e-9)
        figures = self.figures(results, name, of)
        return self.target(
            Target(work, f"within {factor:g}x of {of}", f"{value:.2f}x as long", value <= factor, **figures)
        )

    def figures(self, results: Results, name: str, against: str | None = None) -> dict[str, Any]:
        """The medians a summary row shows: partnerkit, baseline, their ratio, memory."""
        base = against or (results.baseline.name if results.baseline else None)
        figures: dict[str, Any] = {
            "partnerkit": results.median(name),
            "memory": results.median(name, "rss_mb"),
        }
        if base is not None and base != name:
            figures["baseline"] = results.median(base)
            figures["ratio"] = results.ratio(base, name)
        return figures

    def finish(self) -> int:
        """Print the load average after and the targets' tally; append them to the summary file if asked."""
        after = os.getloadavg()[0]
        missed = sum(t.met is False for t in self.targets)
        counted = sum(t.met is not None for t in self.targets)
        print()
        print(
            f"   load average {self.load_before:.2f} before, {after:.2f} after, on {os.cpu_count()} cores; "
            f"targets met: {counted - missed} of {counted}"
        )
        summary = os.environ.get(SUMMARY_ENV)
        if summary:
            with open(summary, "a", encoding="utf-8") as out:
                for t in self.targets:
                    row = {"script": self.name, **t.__dict__, "verdict": t.verdict}
                    row["load"] = [round(self.load_before, 2), round(after, 2)]
                    out.write(json.dumps(row) + "\n")
        return 0


def fit_exponent(points: Sequence[tuple[float, float]]) -> float:
    """The slope of log(time) on log(size), least squares: time grows like size**slope."""
    import math

    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-9)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        _child(*sys.argv[2:6])
    elif sys.argv[1:] == ["--launcher"]:
        _launch_loop()
    else:
        sys.exit("harness.py is imported by the benchmarks; run one of them, or run_all.py")
