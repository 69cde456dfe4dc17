"""``partnerkit demo``: everything partnerkit makes, from the built-in example plan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan

EXAMPLE_REVIEW_DATE = date(2026, 10, 1)
"""The review date the demo uses, so the example's dated facts give the same answer on any day."""

# Each step writes some files into the output folder through one service and returns their paths.
# A capability adds its output to the demo by adding a step here.
Step = Callable[["LoadedPlan", Path], list[Path]]


def write_plan(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The example plan itself, as an editable YAML file."""
    from partnerkit.io.files import write_bytes_atomic
    from partnerkit.io.planfile import example_plan_path

    target = outdir / "plan.yaml"
    source = example_plan_path().read_bytes()
    if target.exists() and target.read_bytes() != source:
        # The user may have edited the demo plan: keep their edits, never overwrite them.
        click.echo(
            f"kept {target} (it differs from the example; delete it to get the example back)", err=True
        )
        return []
    write_bytes_atomic(target, source)
    return [target]


def write_roadmap_chart(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The scheduled roadmap as a Gantt chart."""
    from partnerkit.services import roadmap_schedule

    result = roadmap_schedule(loaded, gantt=outdir / "roadmap.png")
    return [result.gantt] if result.gantt else []


def write_strategy_markdown(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The strategy in Markdown, showing the roadmap chart."""
    return _strategy(loaded, outdir / "strategy.md", chart=outdir / "roadmap.png")[:1]


def write_strategy_word(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The strategy in Word, with the roadmap chart."""
    return _strategy(loaded, outdir / "strategy.docx")


def _strategy(loaded: LoadedPlan, output: Path, chart: Path | None = None) -> list[Path]:
    from partnerkit.io.files import OutputExistsError
    from partnerkit.services import write_strategy

    try:
        # A rerun replaces the demo's own strategy but keeps one the user edited.
        return write_strategy(loaded, output, chart=chart, replace_unedited=True).paths
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        return []


def write_agreement_drafts(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """A draft agreement in Word for every integration and distribution partner."""
    from partnerkit.services import draft_agreements

    # A rerun replaces the demo's own drafts but keeps any the user edited.
    result = draft_agreements(loaded, outdir / "agreements", replace_unedited=True)
    for skipped in result.skipped:
        click.echo(f"no draft for {skipped.partner}: {'; '.join(skipped.reasons)}", err=True)
    return [draft.path for draft in result.written]


def write_tier_reports(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """Each partner's verdict (tiers.json, tiers.txt) and the tier review, on the example's review date."""
    import json

    from partnerkit.commands.tiers import review_text, tier_table_text
    from partnerkit.io.files import write_text_atomic
    from partnerkit.services import tier_review, tier_verdicts

    verdicts = tier_verdicts(loaded, EXAMPLE_REVIEW_DATE, criteria=True)
    review = tier_review(loaded, EXAMPLE_REVIEW_DATE).review
    assert review is not None  # the example's facts are clean
    data = json.dumps(verdicts.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return [
        write_text_atomic(outdir / "tiers.json", data),
        write_text_atomic(outdir / "tiers.txt", tier_table_text(verdicts.verdicts, EXAMPLE_REVIEW_DATE)),
        write_text_atomic(outdir / "tier-review.txt", review_text(review)),
    ]


def write_terms_json(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """Every partner's deal terms, their origins and lint findings, as `partnerkit terms --json` prints them."""
    import json

    from partnerkit.io.files import write_text_atomic
    from partnerkit.services import term_review

    data = {"partners": [r.to_dict() for r in term_review(loaded).reviews]}
    return [write_text_atomic(outdir / "terms.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")]


def write_workbook(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The planning workbook with its buttons and companion module (an .xlsx without xlwings), filled
    with every button's results (tiers, review, terms, schedule) by the same code ``workbook sync`` runs."""
    from datetime import datetime

    from partnerkit.errors import WorkbookError
    from partnerkit.services import export_workbook, new_workbook, sync_workbook

    target = outdir / "planner.xlsm"
    if target.exists():
        # The user may have worked in the demo workbook: never overwrite it.
        click.echo(f"kept {target} (delete it to get a fresh one)", err=True)
        return []
    # The review date is a setting of the workbook, so a click on a button gives what the demo shows.
    settings = {"Review date": EXAMPLE_REVIEW_DATE}
    try:
        made = new_workbook(loaded, target, settings=settings)
        written = [made.path, *([made.companion] if made.companion else [])]
    except WorkbookError as exc:
        click.echo(f"no planner.xlsm: {exc}; wrote plan.xlsx without buttons instead", err=True)
        target = export_workbook(loaded, outdir / "plan.xlsx")
        written = [target]
    sync_workbook(target, as_of=EXAMPLE_REVIEW_DATE, now=datetime.now(), backup=False)
    return written


STEPS: list[tuple[str, Step]] = [
    ("example plan", write_plan),
    ("roadmap Gantt chart", write_roadmap_chart),
    ("strategy (Markdown)", write_strategy_markdown),
    ("strategy (Word)", write_strategy_word),
    ("agreement draft (Word)", write_agreement_drafts),
    ("tiers and tier review", write_tier_reports),
    ("deal terms (JSON)", write_terms_json),
    ("planning workbook", write_workbook),
]


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def demo(outdir: Path) -> None:
    """Write everything partnerkit produces from the built-in example plan into OUTDIR.

    \b
    Example:
      partnerkit demo out/
    """
    from partnerkit.io.planfile import example_plan_path, load

    outdir.mkdir(parents=True, exist_ok=True)
    loaded = load(example_plan_path())
    assert loaded.plan is not None  # the example plan is valid (a test keeps it so)
    written: list[tuple[str, Path]] = []
    for label, step in STEPS:
        written += [(label, path) for path in step(loaded, outdir)]
    click.echo(
        f"partnerkit demo: {len(written)} file(s) from the example plan ({loaded.plan.product.name}) in {outdir}"
    )
    for label, path in written:
        click.echo(f"  {path}  ({label})")
