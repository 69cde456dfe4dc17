"""``partnerkit roadmap``: schedule the roadmap with the team's capacity and print the quarter tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from partnerkit.commands._common import (
    fail_on_errors,
    json_option,
    load_or_exit,
    output_file_option,
    output_path,
    plan_argument,
    print_json,
    print_problems,
)

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan


@click.command()
@plan_argument
@json_option
@click.option(
    "--gantt",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write a Gantt chart: FILE.png or FILE.svg.",
)
@click.option(
    "--start",
    callback=lambda ctx, param, value: _start_date(value),
    metavar="DATE",
    help="Program start date (YYYY-MM-DD), instead of roadmap.settings.start.",
)
@click.option(
    "--capacity",
    type=click.IntRange(1, 1000),
    metavar="N",
    help="Plan as if the team had N people throughout (ignores the plan's capacity and its changes).",
)
@click.option(
    "--optimize",
    is_flag=True,
    help="Find the shortest schedule with OR-Tools CP-SAT (pip install 'partnerkit[optimize]').",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(0.1, 3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long --optimize may search.",
)
@output_file_option(
    "Write the tables (or the JSON with --json) to FILE instead of the screen.",
    required=False,
    metavar="FILE",
)
def roadmap(
    plan: Path,
    as_json: bool,
    gantt: Path | None,
    start: date | None,
    capacity: int | None,
    optimize: bool,
    time_limit: float,
    output: Path | None,
) -> None:
    """Schedule PLAN's roadmap and print it as the template's quarter tables.

    Every dependency and the team's capacity in every week are respected, weeks off are skipped,
    and competing activities go by priority, then by the more critical chain. Prints each quarter's
    Week / Activity / Partner Type / Goal table, the makespan and the critical path.

    Exits 0 when scheduled (warnings, such as a deadline the team's capacity misses, allowed), 1 when
    the roadmap is impossible (a cycle, an unknown dependency, too few people, a deadline no schedule
    can meet), 2 on a usage error or an unreadable file.

    \b
    Example:
      partnerkit roadmap plan.yaml
      partnerkit roadmap plan.yaml --gantt roadmap.png --capacity 4
      partnerkit roadmap plan.yaml --json --start 2026-01-05
    """
    from partnerkit.errors import PartnerkitError, ProblemsFound
    from partnerkit.services import roadmap_schedule

    if gantt is not None:
        from partnerkit.io.charts import chart_format

        try:
            chart_format(gantt)
        except PartnerkitError as exc:
            raise click.UsageError(f"--gantt {exc}") from None
        output_path(gantt, plan=plan)
    if output is not None:
        output_path(output, plan=plan)
    loaded = _load_for_json(plan, output) if as_json else load_or_exit(plan, quiet_warnings=True)
    result = roadmap_schedule(
        loaded, start=start, capacity=capacity, optimize=optimize, time_limit=time_limit, gantt=gantt
    )
    print_problems(result.problems)
    if as_json:
        _emit_json(result.to_dict(), output)
    elif result.schedule is None:
        raise ProblemsFound(f"{plan}: the roadmap cannot be scheduled; fix the problems above.")
    else:
        from partnerkit.report.markdown import roadmap_lines

        assert loaded.plan is not None
        text = "\n".join(roadmap_lines(loaded.plan, result.schedule)) + "\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            from partnerkit.io.files import write_text_atomic

            write_text_atomic(output, text)
    for written in (result.gantt, output):
        if written is not None:
            click.echo(f"wrote {written}", err=True)
    fail_on_errors(result.problems)


def _start_date(value: str | None) -> date | None:
    """The --start date, read like every date of the plan."""
    if value is None:
        return None
    from partnerkit.model.values import parse_date

    try:
        day: date = parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--start'") from None
    return day


def _load_for_json(plan: Path, output: Path | None) -> LoadedPlan:
    """Load the plan; when it has errors, a script still gets ``{"scheduled": false, "problems"}``."""
    from partnerkit.commands._common import load_for_command
    from partnerkit.errors import ProblemsFound

    loaded = load_for_command(plan)
    if not loaded.ok:
        print_problems(loaded.problems)
        _emit_json({"scheduled": False, "problems": [p.to_dict() for p in loaded.problems]}, output)
        raise ProblemsFound()
    return loaded


def _emit_json(data: dict[str, object], output: Path | None) -> None:
    """JSON on the screen, or in ``output`` when -o is given."""
    if output is None:
        print_json(data)
        return
    import json

    from partnerkit.io.files import write_text_atomic

    write_text_atomic(output, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
