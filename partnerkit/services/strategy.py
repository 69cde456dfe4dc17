"""Write the Partnership Strategy, in Markdown (with its Gantt chart beside it) or in Word."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.errors import PartnerkitError
from partnerkit.services.plan import require_plan
from partnerkit.services.roadmap import draw_gantt, gantt_png

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import Plan
    from partnerkit.problems import Problem

FORMATS = (".md", ".docx")


@dataclass(frozen=True)
class StrategyResult:
    """The files the strategy was written to (the document first, then its chart) and any warnings."""

    paths: list[Path]
    problems: list[Problem] = field(default_factory=list)

    @property
    def document(self) -> Path:
        """The strategy document itself."""
        return self.paths[0]


def chart_beside(output: Path) -> Path:
    """Where a Markdown strategy's Gantt chart goes: ``strategy.md`` -> ``strategy-roadmap.png``."""
    return output.with_name(f"{output.stem}-roadmap.png")


def write_strategy(
    loaded: LoadedPlan,
    output: str | Path,
    *,
    chart: str | Path | None = None,
    force: bool = False,
    replace_unedited: bool = False,
) -> StrategyResult:
    """Write the whole strategy to ``output``: ``.md`` (Markdown) or ``.docx`` (Word), with the roadmap chart.

    A Markdown strategy shows its Gantt chart from a PNG file, ``chart`` (default: beside the document,
    see ``chart_beside``); a Word strategy carries the chart inside. Without a schedulable roadmap the
    documents show the planned weeks and no chart. Control characters in plan text are left out of
    both, each with a warning at its field in ``problems``. An existing document is refused
    (OutputExistsError) unless ``force``, or ``replace_unedited`` and partnerkit wrote it and nobody
    changed it since; the chart, which partnerkit draws from the plan, is always redrawn.
    """
    from partnerkit.io.files import Overwrite, digest, policy, record, refuse_existing

    plan = require_plan(loaded)
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise PartnerkitError(f"{output}: the strategy is written as .md (Markdown) or .docx (Word)")
    overwrite = policy(force, replace_unedited)
    refuse_existing([output], overwrite)
    result = _write(loaded, plan, output, suffix, chart)
    if overwrite is Overwrite.UNEDITED:
        record(output.parent, {output.name: digest(output)})
    return result


def _write(
    loaded: LoadedPlan, plan: Plan, output: Path, suffix: str, chart: str | Path | None
) -> StrategyResult:
    from partnerkit.report.plaintext import control_character_warnings
    from partnerkit.report.strategy import build_strategy, roadmap_schedule

    warnings = loaded.place(control_character_warnings(plan))

    schedule = roadmap_schedule(plan)  # scheduled once for the document and its chart
    if suffix == ".md":
        from partnerkit.io.files import write_text_atomic
        from partnerkit.report.markdown import render

        drawn = None
        if schedule is not None and schedule.activities:
            drawn = draw_gantt(plan, schedule, Path(chart) if chart is not None else chart_beside(output))
        name = drawn.name if drawn is not None and drawn.parent == output.parent else None
        if drawn is not None and name is None:
            name = str(drawn)
        write_text_atomic(output, render(build_strategy(plan, schedule, roadmap_chart=name)))
        return StrategyResult([output, *([drawn] if drawn else [])], warnings)
    from partnerkit.io.word.report import write_strategy_docx

    write_strategy_docx(plan, output, schedule=schedule, chart=gantt_png(plan, schedule))
    return StrategyResult([output], warnings)
