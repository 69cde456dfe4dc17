"""Charts: the roadmap's Gantt chart (quarters, weeks off, dependencies, the critical path), and the
program's actuals against its targets. PNG or SVG."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.errors import PartnerkitError

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

    from partnerkit.actuals.metrics import ActualRow
    from partnerkit.roadmap.schedule import Schedule

CHART_FORMATS = {".png": "png", ".svg": "svg"}

# Colour by partner type (colour-blind safe, from the Okabe-Ito palette); the critical path is
# outlined in vermillion so it reads even in a greyscale print.
TYPE_COLOURS = {
    "All": "#56B4E9",
    "Integration": "#0072B2",
    "Distribution": "#009E73",
    "Ecosystem": "#CC79A7",
}
CRITICAL = "#D55E00"
MAX_LABEL = 42


def chart_format(path: Path) -> str:
    """``png`` or ``svg`` from the file name; PartnerkitError for anything else."""
    fmt = CHART_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise PartnerkitError(f"{path}: a Gantt chart is written as .png or .svg")
    return fmt


def render_gantt(
    schedule: Schedule,
    fmt: str = "png",
    *,
    title: str | None = None,
    quarter_names: dict[int, str] | None = None,
) -> bytes:
    """The Gantt chart of ``schedule`` as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    calendar = schedule.calendar
    activities = list(schedule.activities)
    rows = max(len(activities), 1)
    horizon = max(schedule.makespan_weeks, calendar.quarter_weeks)
    quarters = calendar.quarter(horizon)
    horizon = max(horizon, quarters * calendar.quarter_weeks)
    names = quarter_names or {}

    # Text stays text in SVG, so a chart pasted into slides can still be edited and searched.
    with plt.rc_context({"svg.hashsalt": "partnerkit", "svg.fonttype": "none", "font.size": 9}):
        fig, (ax, team) = plt.subplots(
            2,
            1,
            # Rows stay readable up to about 170 activities; beyond, the figure stops growing.
            figsize=(13, min(1.9 + 0.34 * rows, 60.0)),
            sharex=True,
            gridspec_kw={"height_ratios": [max(rows, 4), 2.2], "hspace": 0.08},
        )
        y_of = {a.id: i for i, a in enumerate(activities)}

        for q in range(quarters):
            left = q * calendar.quarter_weeks
            if q % 2 == 0:
                for axis in (ax, team):
                    axis.axvspan(left, left + calendar.quarter_weeks, color="#F2F2F2", zorder=0)
            if q:
                for axis in (ax, team):
                    axis.axvline(left, color="#7F7F7F", lw=1.0, zorder=1)
            label = f"Q{q + 1}" + (f" {names[q + 1]}" if q + 1 in names else "")
            ax.text(
                left + calendar.quarter_weeks / 2,
                -0.9,
                label,
                ha="center",
                va="bottom",
                fontsize=10,
                fontweight="bold",
                color="#404040",
            )
        for week in calendar.weeks_off:
            if week <= horizon:
                for axis in (ax, team):
                    axis.axvspan(
                        week - 1, week, facecolor="white", hatch="////", edgecolor="#BBBBBB", lw=0, zorder=1
                    )

        # The chart outlines the critical path, not every activity without slack: with a team of
        # limited size, activities that free people together can all be critical while only one
        # of them holds the next one back.
        on_critical_path = set(schedule.critical_path)
        for a in activities:
            segments = _working_runs(calendar.is_off, a.start_week, a.end_week)
            colour = TYPE_COLOURS.get(a.partner_type, "#999999")
            ax.broken_barh(
                segments,
                (y_of[a.id] - 0.34, 0.68),
                facecolors=colour,
                edgecolors=CRITICAL if a.id in on_critical_path else colour,
                linewidth=2.2 if a.id in on_critical_path else 0.5,
                zorder=3,
            )
            ax.text(
                a.end_week + 0.2,
                y_of[a.id],
                f"{a.people}p",
                va="center",
                fontsize=7,
                color="#606060",
                zorder=4,
            )
        for a in activities:
            for dep in a.depends_on:
                if dep not in y_of:
                    continue
                before = schedule.activity(dep)
                on_path = a.id in on_critical_path and before.id in on_critical_path
                ax.annotate(
                    "",
                    xy=(a.start_week - 1, y_of[a.id]),
                    xytext=(before.end_week, y_of[dep]),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": CRITICAL if on_path else "#8C8C8C",
                        "lw": 1.3 if on_path else 0.7,
                        "shrinkA": 0,
                        "shrinkB": 1,
                        "connectionstyle": "angle,angleA=90,angleB=0,rad=0",
                    },
                    zorder=2,
                )

        # Where the team, not a dependency, holds the critical path back: a dashed arrow.
        for link in schedule.critical_links:
            if link.kind != "capacity":
                continue
            before, after = schedule.activity(link.before), schedule.activity(link.after)
            ax.annotate(
                "",
                xy=(after.start_week - 1, y_of[after.id]),
                xytext=(before.end_week, y_of[before.id]),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": CRITICAL,
                    "lw": 1.2,
                    "linestyle": "--",
                    "shrinkA": 0,
                    "shrinkB": 1,
                    "connectionstyle": "angle,angleA=90,angleB=0,rad=0",
                },
                zorder=2,
            )

        ax.set_yticks(range(len(activities)))
        ax.set_yticklabels(
            [a.name if len(a.name) <= MAX_LABEL else a.name[: MAX_LABEL - 1] + "…" for a in activities]
        )
        for tick, a in zip(ax.get_yticklabels(), activities, strict=True):
            if a.id in on_critical_path:
                tick.set_color(CRITICAL)
                tick.set_fontweight("bold")
        ax.set_ylim(len(activities) - 0.4, -1.1)
        ax.set_xlim(0, horizon + 1)
        ax.tick_params(axis="y", length=0)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        end = f", ending {schedule.end_date.isoformat()}" if schedule.end_date and activities else ""
        ax.set_title(
            title or f"Roadmap: {len(activities)} activities over {schedule.makespan_weeks} weeks{end}",
            loc="left",
            fontsize=12,
            fontweight="bold",
            pad=30,
        )
        legend: list[Artist] = [Patch(facecolor=c, label=t) for t, c in TYPE_COLOURS.items()]
        legend.append(Patch(facecolor="white", edgecolor=CRITICAL, linewidth=2.2, label="Critical path"))
        legend.append(Line2D([], [], color=CRITICAL, linestyle="--", lw=1.2, label="Waits for people"))
        legend.append(Patch(facecolor="white", edgecolor="#BBBBBB", hatch="////", label="Week off"))
        ax.legend(
            handles=legend, loc="lower left", bbox_to_anchor=(0, 1.02), ncol=7, frameon=False, fontsize=8
        )

        weeks = list(range(1, horizon + 1))
        used = [0] * (horizon + 1)
        for a in activities:
            for w in range(a.start_week, a.end_week + 1):
                if not calendar.is_off(w):
                    used[w - 1] += a.people
        used = used[:horizon]
        capacity = [calendar.capacity_in_week(w) if not calendar.is_off(w) else 0 for w in weeks]
        team.bar([w - 0.5 for w in weeks], used, width=0.9, color="#9ECAE1", zorder=2, label="People at work")
        team.step(
            [0, *weeks],
            [capacity[0], *capacity],
            where="pre",
            color="#404040",
            lw=1.2,
            zorder=3,
            label="Team capacity",
        )
        team.set_ylim(0, max([*capacity, *used, 1]) * 1.7)
        team.set_ylabel("People")
        team.legend(loc="upper left", frameon=False, fontsize=7, ncol=2)
        for side in ("top", "right"):
            team.spines[side].set_visible(False)

        step = 4 if horizon <= 60 else 8
        ticks = list(range(0, horizon + 1, step))
        team.set_xticks([t + 0.5 for t in ticks])
        team.set_xticklabels([_tick(schedule, t + 1) for t in ticks], fontsize=7)
        team.set_xlabel("Program week")

        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()


def _working_runs(is_off: Callable[[int], bool], first: int, last: int) -> list[tuple[int, int]]:
    """(left, width) of each stretch of working weeks from ``first`` to ``last``: the bar pauses over weeks off."""
    runs: list[tuple[int, int]] = []
    for week in range(first, last + 1):
        if is_off(week):
            continue
        if runs and runs[-1][0] + runs[-1][1] == week - 1:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((week - 1, 1))
    return runs


def _tick(schedule: Schedule, week: int) -> str:
    day = schedule.calendar.start_date(week)
    return f"wk {week}" if day is None else f"wk {week}\n{day:%b %d}"


def write_gantt(
    schedule: Schedule,
    path: Path,
    *,
    title: str | None = None,
    quarter_names: dict[int, str] | None = None,
) -> Path:
    """Write the Gantt chart to ``path`` (.png or .svg), atomically."""
    from partnerkit.io.files import write_bytes_atomic

    data = render_gantt(schedule, chart_format(path), title=title, quarter_names=quarter_names)
    return write_bytes_atomic(path, data)


# --- actuals against targets -------------------------------------------------------------------

TARGET_COLOUR = "#BBBBBB"
ACTUAL_COLOUR = "#0072B2"
COLUMNS = 3


def charted_metrics(rows: Sequence[ActualRow]) -> list[str]:
    """The metrics the actuals chart shows, in the plan's order: those with an actual in some period."""
    names: list[str] = []
    for row in rows:
        if row.actual is not None and row.metric not in names:
            names.append(row.metric)
    return names


def render_actuals(rows: Sequence[ActualRow], fmt: str = "png", *, currency: str = "USD") -> bytes | None:
    """Each metric's target beside its actual for Q1, Q2 and Year 1 (one panel per metric), as PNG or
    SVG bytes; None when no metric has an actual. Bars are labelled with their value and the actual
    with its attainment, from the same rows the Actuals section's table shows."""
    names = charted_metrics(rows)
    if not names:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Patch

    columns = min(COLUMNS, len(names))
    lines = -(-len(names) // columns)
    with plt.rc_context({"svg.hashsalt": "partnerkit", "svg.fonttype": "none", "font.size": 9}):
        fig, axes = plt.subplots(lines, columns, figsize=(4.3 * columns, 3.2 * lines), squeeze=False)
        for number, name in enumerate(names):
            _actuals_panel(
                axes[number // columns][number % columns], [r for r in rows if r.metric == name], currency
            )
        for number in range(len(names), lines * columns):
            axes[number // columns][number % columns].set_visible(False)
        fig.legend(
            handles=[
                Patch(facecolor="white", edgecolor="#7F7F7F", hatch="///", label="Target"),
                Patch(facecolor=ACTUAL_COLOUR, label="Actual (attainment)"),
            ],
            loc="upper left",
            ncol=2,
            frameon=False,
            fontsize=8,
        )
        fig.suptitle("Target against actual", x=0.5, fontsize=12, fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.93))
        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
        plt.close(fig)
    return buffer.getvalue()


def _actuals_panel(ax: Axes, rows: Sequence[ActualRow], currency: str) -> None:
    from partnerkit.model import MetricUnit, format_percent

    unit = rows[0].unit
    periods = [r.period for r in rows]
    xs = list(range(len(rows)))
    width = 0.38
    targets = [float(r.target) if r.target is not None else 0.0 for r in rows]
    actuals = [float(r.actual) if r.actual is not None else 0.0 for r in rows]
    ax.bar(
        [x - width / 2 for x in xs],
        targets,
        width,
        facecolor="white",
        edgecolor="#7F7F7F",
        hatch="///",
        zorder=2,
    )
    ax.bar([x + width / 2 for x in xs], actuals, width, color=ACTUAL_COLOUR, zorder=3)
    top = max([*targets, *actuals, 0.0])
    bottom = min([*targets, *actuals, 0.0])
    span = (top - bottom) or 1.0
    for x, r in zip(xs, rows, strict=True):
        if r.target is not None:
            ax.text(
                x - width / 2,
                max(float(r.target), 0.0) + span * 0.02,
                _short(r.target, unit, currency),
                ha="center",
                va="bottom",
                fontsize=7,
                color="#606060",
            )
        else:
            ax.text(
                x - width / 2,
                span * 0.02,
                "no target",
                ha="center",
                va="bottom",
                fontsize=6,
                color="#909090",
                rotation=90,
            )
        if r.actual is not None:
            label = _short(r.actual, unit, currency)
            if r.attainment is not None:
                label += f"\n{format_percent(r.attainment)}"  # as the section's table shows it
            ax.text(
                x + width / 2,
                max(float(r.actual), 0.0) + span * 0.02,
                label,
                ha="center",
                va="bottom",
                fontsize=7,
                color="#202020",
            )
    ax.set_xticks(xs)
    ax.set_xticklabels(periods)
    ax.set_ylim(min(bottom * 1.25, 0.0), top * 1.3 if top > 0 else 1.0)
    ax.axhline(0, color="#404040", lw=0.8, zorder=4)
    name = rows[0].metric
    ax.set_title(
        name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…",
        loc="left",
        fontsize=10,
        fontweight="bold",
    )
    ax.yaxis.set_major_formatter(lambda value, _: _short(Decimal(str(float(value))), unit, currency))
    ax.tick_params(axis="y", labelsize=7)
    if unit is MetricUnit.NPS:
        ax.set_ylabel("NPS", fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(Decimal('0.1'))}%".replace(".0%", "%")


def _short(value: Decimal, unit: object, currency: str) -> str:
    """A bar's label: ``$1.5M``, ``$75K``, ``36``, ``35%``, ``25.0``."""
    from partnerkit.model import MetricUnit

    if unit is MetricUnit.PERCENT:
        return _percent(value)
    if unit is MetricUnit.NPS:
        return f"{value:.1f}"
    if unit is MetricUnit.MONEY:
        sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
        tail = "" if sign else f" {currency}"
        magnitude = abs(value)
        if magnitude >= 1_000_000:
            text = f"{magnitude / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
        elif magnitude >= 1_000:
            text = f"{magnitude / 1_000:.1f}".rstrip("0").rstrip(".") + "K"
        else:
            text = f"{magnitude:.0f}"
        return f"{'-' if value < 0 else ''}{sign}{text}{tail}"
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}"


def write_actuals_chart(rows: Sequence[ActualRow], path: Path, *, currency: str = "USD") -> Path | None:
    """Write the actuals chart to ``path`` (.png or .svg), atomically; None (nothing written) without actuals."""
    from partnerkit.io.files import write_bytes_atomic

    fmt = CHART_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise PartnerkitError(f"{path}: the actuals chart is written as .png or .svg")
    data = render_actuals(rows, fmt, currency=currency)
    return write_bytes_atomic(path, data) if data is not None else None
