"""Running partnerkit as a user does, in-process (fast) or as the installed command (peak memory measured)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli

# Words that only partnerkit's dependencies (or Python itself) use: none may reach a user.
FOREIGN = (
    "pydantic",
    "ValidationError",
    "errors.pydantic.dev",
    "jinja",
    "Jinja",
    "yaml.",
    "Traceback",
    "panicked",
    "calamine",
    "Calamine",
    "For further information visit",
    "Input should be",
    "String should have",
    "RUST_BACKTRACE",
    "stack backtrace",
    "memory allocation of",
    # python-calamine's own sentences for damaged content
    "Range is missing",
    "Expecting alphanumeric",
    "float literal",
    "XmlError",
    "ZipError",
)

# A child's peak resident memory, in kilobytes (ru_maxrss), written where the caller asks.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[2:], capture_output=True)\n"
    "sys.stdout.buffer.write(done.stdout); sys.stderr.buffer.write(done.stderr)\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(done.returncode)\n"
)


@dataclass(frozen=True)
class Outcome:
    """What a run of the command left: its exit code, what it printed, and (run as a process) its peak memory."""

    code: int
    out: str
    err: str
    peak_mb: float | None = None
    exception: BaseException | None = None

    @property
    def text(self) -> str:
        """Everything printed."""
        return self.out + self.err

    def foreign_words(self) -> list[str]:
        """The dependency wording found in what was printed."""
        return [word for word in FOREIGN if word in self.text]

    def assert_clean(self, codes: tuple[int, ...] = (1, 2)) -> None:
        """The run ended with one of ``codes``, without a traceback or any dependency's wording."""
        assert self.exception is None, (
            f"uncaught {type(self.exception).__name__}: {self.exception}\n{self.text}"
        )
        assert self.code in codes, f"exit {self.code}, not one of {codes}:\n{self.text[-3000:]}"
        assert not self.foreign_words(), f"foreign wording {self.foreign_words()}:\n{self.text[-3000:]}"


def invoke(*args: str | Path) -> Outcome:
    """Run ``partnerkit ARGS`` in this process (click's CliRunner), as fast as a run can be."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)
    exception = result.exception
    if isinstance(exception, SystemExit):
        exception = None
    return Outcome(result.exit_code, result.stdout, result.stderr, exception=exception)


def executable() -> str:
    """The installed console script next to this Python (the test is skipped without one)."""
    script = Path(sys.executable).parent / "partnerkit"
    if not script.exists():
        pytest.skip("the partnerkit console script is not installed next to this Python")
    return str(script)


def run(*args: str | Path, timeout: float = 300) -> Outcome:
    """Run the installed ``partnerkit ARGS`` in a process of its own, measuring its peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(peak_file), executable(), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else None
    return Outcome(done.returncode, done.stdout, done.stderr, peak)
