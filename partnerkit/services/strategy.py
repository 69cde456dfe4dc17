"""Write the Partnership Strategy, in Markdown (with its charts beside it) or in Word (charts inside)."""

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
    from partnerkit.services.actuals import ActualsResult

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


def actuals_chart_beside(output: Path) -> Path:
    """Where a Markdown strategy's actuals chart goes: ``strategy.md`` -> ``strategy-actuals.png``."""
    return output.with_name(f"{output.stem}-actuals.png")


def write_strategy(
    loaded: LoadedPlan,
    output: str | Path,
    *,
    chart: str | Path | None = None,
    force: bool = False,
    replace_unedited: bool = False,
    actuals: ActualsResult | None = None,
    actuals_chart: str | Path | None = None,
) -> StrategyResult:
    """Write the whole strategy to ``output``: ``.md`` (Markdown) or ``.docx`` (Word), with the roadmap chart.

    A Markdown strategy shows its Gantt chart from a PNG file, ``chart`` (default: beside the document,
    see ``chart_beside``); a Word strategy carries the chart inside. Without a schedulable roadmap the
    documents show the planned weeks and no chart. With ``actuals`` (``program_actuals``: the deals
    and survey against the plan) the strategy gains an Actuals section with a chart of target against
    actual (Markdown: ``actuals_chart``, default ``strategy-actuals.png`` beside the document); without
    them it has none. The figures are shown as given: a door checks ``actuals.ok`` first. Control
    characters in plan text are left out of both, each with a warning at its field in ``problems``. An existing document is refused
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
    result = _write(loaded, plan, output, suffix, chart, actuals, actuals_chart)
    if overwrite is Overwrite.UNEDITED:
        record(output.parent, {output.name: digest(output)})
    return result


def _write(
    loaded: LoadedPlan,
    plan: Plan,
    output: Path,
    suffix: str,
    chart: str | Path | None,
    actuals: ActualsResult | None,
    actuals_chart: str | Path | None,
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
        figures = None
        if actuals is not None:
            from partnerkit.io.charts import write_actuals_chart

            target = Path(actuals_chart) if actuals_chart is not None else actuals_chart_beside(output)
            figures = write_actuals_chart(actuals.metrics, target, currency=plan.product.currency)
        document = build_strategy(
            plan,
            schedule,
            roadmap_chart=_linked(drawn, output),
            actuals=actuals,
            actuals_chart=_linked(figures, output),
        )
        write_text_atomic(output, render(document))
        return StrategyResult([output, *[p for p in (drawn, figures) if p is not None]], warnings)
    from partnerkit.io.word.report import write_strategy_docx

    actuals_png = None
    if actuals is not None:
        from partnerkit.io.charts import render_actuals

        actuals_png = render_actuals(actuals.metrics, currency=plan.product.currency)
    write_strategy_docx(
        plan,
        output,
        schedule=schedule,
        chart=gantt_png(plan, schedule),
        actuals=actuals,
        actuals_chart=actuals_png,
    )
    return StrategyResult([output], warnings)


def _linked(chart: Path | None, output: Path) -> str | None:
    """How the Markdown document links a chart: by name beside it, else by its path."""
    if chart is None:
        return None
    return chart.name if chart.parent == output.parent else str(chart)
