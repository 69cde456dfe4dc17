"""Charts of the roadmap: a Gantt chart (PNG or SVG) with quarters, weeks off, dependencies and the critical path."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from partnerkit.errors import PartnerkitError

if TYPE_CHECKING:
    from matplotlib.artist import Artist

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
