"""``partnerkit demo``: everything partnerkit makes, from the built-in example plan and its example deals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.services import ActualsResult, LoadedDeals

EXAMPLE_REVIEW_DATE = date(2026, 10, 1)
"""The review date the demo uses, so the example's dated facts give the same answer on any day."""


def last_full_quarter(day: date) -> str:
    """The last calendar quarter over before ``day``: ``2026-Q3`` for 1 October 2026."""
    done = (day.month - 1) // 3
    return f"{day.year}-Q{done}" if done else f"{day.year - 1}-Q4"


EXAMPLE_PERIOD = last_full_quarter(EXAMPLE_REVIEW_DATE)
"""The quarter the demo runs the program for: its payouts, and the deals and actuals on its last day."""

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
    """The strategy in Markdown, showing the roadmap chart, with its Actuals section and their chart."""
    paths = _strategy(loaded, outdir / "strategy.md", chart=outdir / "roadmap.png")
    return [p for p in paths if p != outdir / "roadmap.png"]  # the roadmap chart is a step of its own


def write_strategy_word(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The strategy in Word, with the roadmap chart and the Actuals section."""
    return _strategy(loaded, outdir / "strategy.docx")


def _strategy(loaded: LoadedPlan, output: Path, chart: Path | None = None) -> list[Path]:
    from partnerkit.io.files import OutputExistsError
    from partnerkit.services import write_strategy

    try:
        # A rerun replaces the demo's own strategy but keeps one the user edited.
        return write_strategy(
            loaded, output, chart=chart, replace_unedited=True, actuals=example_actuals(loaded)
        ).paths
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        return []


def example_deals(loaded: LoadedPlan) -> LoadedDeals:
    """The shipped example deals export, read for the example plan (it reads cleanly: a test keeps it so)."""
    from partnerkit.io.pipeline.examples import example_deals_path
    from partnerkit.services import read_deals

    deals = read_deals(example_deals_path(), loaded)
    assert deals.ok, deals.problems
    return deals


def example_actuals(loaded: LoadedPlan) -> ActualsResult:
    """The example's metrics, partner NPS and economics on the last day of the demo's quarter."""
    from partnerkit.io.pipeline.examples import example_survey_path
    from partnerkit.services import program_actuals, read_survey
    from partnerkit.services.payouts import period_of

    closed = period_of(EXAMPLE_PERIOD).end
    survey = read_survey(example_survey_path(), loaded)
    return program_actuals(loaded, example_deals(loaded), survey, closed, period=EXAMPLE_PERIOD)


def write_deals_check(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The example deals checked on the quarter's last day, as `partnerkit deals check` prints it (and --json)."""
    import json

    from partnerkit.commands.deals import check_text
    from partnerkit.io.files import write_text_atomic
    from partnerkit.io.pipeline.examples import example_deals_path
    from partnerkit.services import check_deals
    from partnerkit.services.payouts import period_of

    result = check_deals(loaded, example_deals(loaded), period_of(EXAMPLE_PERIOD).end)
    data = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    return [
        write_text_atomic(outdir / "deals-check.txt", check_text(result, example_deals_path().name)),
        write_text_atomic(outdir / "deals-check.json", data),
    ]


def write_payout_run(loaded: LoadedPlan, outdir: Path) -> list[Path]:
    """The payout run of the demo's quarter: summary.csv, and a CSV and a Word statement per partner."""
    from partnerkit.io.files import OutputExistsError
    from partnerkit.services import run_payouts

    try:
        # A rerun replaces the run's own files but keeps a statement the user edited.
        result = run_payouts(
            loaded, example_deals(loaded), EXAMPLE_PERIOD, outdir / "payouts" / EXAMPLE_PERIOD
        )
    except OutputExistsError as exc:
        click.echo(str(exc), err=True)
        return []
    assert result.ok, result.problems
    return result.written


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
    ("deals check", write_deals_check),
    (f"payout run {EXAMPLE_PERIOD}", write_payout_run),
    ("deal terms (JSON)", write_terms_json),
    ("planning workbook", write_workbook),
]


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def demo(outdir: Path) -> None:
    """Write everything partnerkit produces from the built-in example plan into OUTDIR.

    The program is run from the shipped example deals export and survey: the deals checked and the
    payouts run for the last full quarter before the example's review date (2026-Q3), and the
    strategy's Actuals section measured on that quarter's last day.

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
