"""What every command shares: the PLAN argument, loading with every problem printed, JSON output, consoles."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from partnerkit.loaded import LoadedPlan
    from partnerkit.problems import Problem

F = TypeVar("F", bound=Callable[..., Any])


class InputError(click.ClickException):
    """An input that cannot be read at all: exit code 2, like a usage error."""

    exit_code = 2


class DefaultGroup(click.Group):
    """A group with a default command: ``tiers PLAN`` runs ``tiers show PLAN``, ``agreement PLAN ...``
    runs ``agreement draft PLAN ...``; a first argument that names a subcommand runs that one."""

    default_command = ""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


force_option = click.option(
    "--force", is_flag=True, help="Replace the output file if it exists (it may hold someone's edits)."
)
pdf_option = click.option(
    "--pdf", is_flag=True, help="Also write each draft as PDF for signature (needs LibreOffice)."
)

_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*", re.I)
_UNITS = {"b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


class ByteSize(click.ParamType):
    """A size such as ``60MB``, ``512KB`` or ``1G`` (units of 1,024), or a number of bytes."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        if match is None or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a size; write it like 60MB, 512KB or 1GB", param, ctx)
        return int(float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()])


def _size_limit(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
    # Every plan read during the command honours the limit, without passing it through each call.
    if value is not None:
        from partnerkit.io.planfile import size_limit

        ctx.with_resource(size_limit(value))


max_size_option = click.option(
    "--max-size",
    type=ByteSize(),
    default=None,
    envvar="PARTNERKIT_MAX_PLAN_SIZE",
    expose_value=False,
    callback=_size_limit,
    metavar="SIZE",
    help="Size limit of a YAML/JSON plan file (default 40MB, 20,000 partners or more); e.g. --max-size 80MB.",
)


def read_early(
    also_program: bool = False,
) -> Callable[[click.Context, click.Parameter, Path | None], Path | None]:
    """A callback for a workbook argument: start reading a large planning workbook while the command
    still imports the plan model (io/workbook/opening.py); a read the command never takes is let go
    at its end. ``also_program``: the command reads the Deals and Survey tables too (sync)."""

    def start(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() in (".xlsx", ".xlsm"):
            from partnerkit.io.workbook import opening

            tables = opening.PLAN_TABLES | opening.PROGRAM_TABLES if also_program else opening.PLAN_TABLES
            if opening.start_reading(value, tables):
                ctx.call_on_close(opening.drop_started)
        return value

    return start


def plan_argument(command: F) -> F:
    """The PLAN argument of a command, with the ``--max-size`` option for big plan files."""
    command = max_size_option(command)
    return click.argument(
        "plan",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="PLAN",
        callback=read_early(),
    )(command)


def output_file_option(help: str, *, required: bool = True, metavar: str | None = None) -> Callable[[F], F]:
    """The ``-o/--output FILE`` option every command that writes one file shares (never a folder)."""
    option = click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        metavar=metavar,
        help=help,
    )
    return option


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of tables."
)


def console(markup: bool = True) -> Console:
    """A rich console on standard output (plain text when piped); ``markup=False`` where it prints
    text someone else wrote (a returned draft, a CRM export), which must print as written."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, markup=markup)


def report_text(draw: Callable[[Console], None]) -> str:
    """What ``draw`` prints on a plain-text console 160 wide, trailing spaces dropped: a command's report."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    # markup=False: partner, account and deal names are untrusted text; "[eu]" must print, not style
    console = Console(
        file=buffer, highlight=False, markup=False, width=160, color_system=None, soft_wrap=False
    )
    draw(console)
    # rich pads titles to the full width; trailing spaces only make diffs noisy
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def err_console() -> Console:
    """A rich console on standard error, for problems and progress."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


class ProgressBar:
    """A batch's progress bar on standard error (``drafting``, ``statements``), drawn from the first
    document done.

    rich is imported then, once the workers run: before, it would delay their start. No refresh
    thread (``auto_refresh=False``): a process without threads can fork its workers, which then
    start at once with the plan loaded. The bar is redrawn as documents finish, ten times a second.
    """

    def __init__(self, label: str, total: int | None, *, shown: bool) -> None:
        self.label = label
        self.total = total
        self.shown = shown
        self._bar: Any = None
        self._task: Any = None
        self._drawn = 0.0

    def advance(self, name: str, total: int | None = None) -> None:
        """One more document done (or skipped): ``name``'s, of ``total`` when the bar was not told before."""
        if not self.shown:
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn(self.label, markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.description}", markup=False),  # a partner name, as written
                console=err_console(),
                transient=True,
                auto_refresh=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=self.total if total is None else total)
        self._bar.update(self._task, advance=1, description=name)
        if (now := monotonic()) - self._drawn >= 0.1:
            self._drawn = now
            self._bar.refresh()

    def close(self) -> None:
        """Take the bar off the screen (it is transient)."""
        if self._bar is not None:
            self._bar.stop()


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on standard output, a megabyte at a time.

    The same text as ``json.dumps(data, indent=2)``, without holding it whole: every finding of a
    million-row deals export is 333 MB of JSON, and its text and bytes had doubled the peak memory.
    """
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, default=_default)
    chunk: list[str] = []
    size = 0
    for piece in encoder.iterencode(data):
        chunk.append(piece)
        size += len(piece)
        if size >= _JSON_CHUNK:
            click.echo("".join(chunk), nl=False)
            chunk, size = [], 0
    chunk.append("\n")
    click.echo("".join(chunk), nl=False)


_JSON_CHUNK = 1 << 20


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems on standard error, errors first, one per line (``LOCATION: field: message``)."""
    ordered = sorted(problems, key=lambda p: p.sort_key())
    for problem in ordered:
        click.echo(str(problem), err=True)


def load_for_command(path: Path) -> LoadedPlan:
    """Read a plan file for a command; what the read made stays out of the cyclic collector's sight.

    A command's process ends with its plan, and a plan holds no cycles: frozen (``gc.freeze``), the
    objects of a 100,000-partner plan are not walked again by a full collection later in the run,
    which costs more than half a second for nothing. The library itself never freezes anything.
    """
    from partnerkit.io.planfile import load

    loaded = load(path)
    gc.freeze()
    return loaded


def load_or_exit(path: Path, *, quiet_warnings: bool = False) -> LoadedPlan:
    """Load a plan and print its problems; ends the command (exit 1) when the plan has errors.

    An unreadable file raises PartnerkitError, which the command group turns into exit code 2.
    """
    from partnerkit.errors import ProblemsFound

    loaded = load_for_command(path)
    if not loaded.ok:
        print_problems(loaded.problems)
        count = sum(1 for p in loaded.problems if p.is_error)
        raise ProblemsFound(
            f"{path}: {count} error(s); fix them and run again ('partnerkit validate {path}')."
        )
    if loaded.problems and not quiet_warnings:
        print_problems(loaded.problems)
    return loaded


def fail_on_errors(problems: Sequence[Problem], message: str = "") -> None:
    """End the command with exit code 1 when any of ``problems`` is an error (they were shown already)."""
    from partnerkit.errors import ProblemsFound

    if any(p.is_error for p in problems):
        raise ProblemsFound(message)


def output_path(path: Path, *, plan: Path | None = None) -> Path:
    """Check an output path: never the plan itself, and its folder must be creatable."""
    if plan is not None and path.resolve() == plan.resolve():
        raise click.UsageError(f"-o {path} is the plan itself; choose another file name")
    if path.exists() and path.is_dir():
        raise click.UsageError(f"-o {path} is a folder; give a file name")
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise click.UsageError(f"-o {path}: {folder} is a file, not a folder")
            break
    return path
