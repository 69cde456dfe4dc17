"""``partnerkit agreements``: every partner's draft agreement, in one folder, on every core."""

from __future__ import annotations

import atexit
import gc
from datetime import datetime
from pathlib import Path

import click

from partnerkit.commands._common import (
    ProgressBar,
    force_option,
    json_option,
    load_or_exit,
    pdf_option,
    plan_argument,
    print_json,
)


def skip_final_collection() -> None:
    """Let the process end without Python's last garbage collection over everything it holds.

    Run at exit (``atexit``), after the command: a batch's plan and results take a tenth of a second
    to collect on the way out, serial time in front of no further work.
    """
    atexit.unregister(gc.freeze)  # once, however often the command runs in one process
    atexit.register(gc.freeze)


@click.command()
@plan_argument
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write the drafts into (created if needed).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes to render with (default: every core for large batches).",
)
@click.option(
    "--as-of", type=click.DateTime(["%Y-%m-%d"]), help="The drafts' date (default: the plan's date)."
)
@click.option(
    "--template-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="A folder of legal's templates (integration-agreement.docx, reseller-agreement.docx); overrides "
    "the plan's documents.templates.",
)
@force_option
@pdf_option
@json_option
def agreements(
    plan: Path,
    outdir: Path,
    workers: int | None,
    as_of: datetime | None,
    template_dir: Path | None,
    force: bool,
    pdf: bool,
    as_json: bool,
) -> None:
    """Write a draft agreement for every integration and distribution partner of PLAN into a folder.

    Partners whose terms have lint errors are skipped and listed with the reasons; so are drafts whose
    file exists (it may hold edits; --force replaces them). The others are written, and the command
    exits 1 when it skipped any. Each file is complete or absent: it is written under a temporary
    name, then renamed.

    \b
    Examples:
      partnerkit agreements plan.yaml -o drafts/
      partnerkit agreements plan.yaml -o drafts/ --template-dir legal/ --pdf
    """
    from partnerkit.errors import ProblemsFound

    skip_final_collection()
    from partnerkit.collector import no_gc

    # The imports and the plan's load build many objects and no cycles: the collector's passes over
    # them would cost the batch about 0.07 s before its workers start.
    with no_gc():
        from partnerkit.services.agreements import agreement_count, draft_agreements

        loaded = load_or_exit(plan, quiet_warnings=True)
    bar = ProgressBar("drafting", agreement_count(loaded), shown=not as_json)
    try:
        result = draft_agreements(
            loaded,
            outdir,
            as_of=as_of.date() if as_of else None,
            workers=workers,
            progress=bar.advance,
            template_dir=template_dir,
            force=force,
            pdf=pdf,
        )
    finally:
        bar.close()
    if as_json:
        print_json(
            {
                "written": [
                    {
                        "partner": d.partner,
                        "agreement": d.kind,
                        "path": str(d.path),
                        "pdf": str(d.pdf) if d.pdf else None,
                    }
                    for d in result.written
                ],
                "skipped": [
                    {"partner": s.partner, "reasons": s.reasons, "kept_existing_file": s.kept}
                    for s in result.skipped
                ],
                "templates": result.templates,
                "warnings": [p.to_dict() for p in result.problems],
            }
        )
    else:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        pdfs = sum(1 for d in result.written if d.pdf)
        click.echo(
            f"wrote {len(result.written)} draft(s) to {outdir}" + (f", with {pdfs} PDF(s)" if pdf else "")
        )
        for kind, template in result.templates.items():
            click.echo(f"  {kind} agreements from {template}")
        errors = [s for s in result.skipped if s.has_errors]
        kept = [s for s in result.skipped if not s.has_errors]
        if errors:
            click.echo(f"skipped {len(errors)} partner(s) whose terms or template have errors:")
            for skipped in errors:
                click.echo(f"  {skipped.partner}:")
                for reason in skipped.reasons:
                    click.echo(f"    - {reason}")
        if kept:
            click.echo(f"skipped {len(kept)} partner(s) whose draft exists already:")
            for skipped in kept:
                click.echo(f"  {skipped.partner}: {'; '.join(skipped.reasons)}")
    if result.skipped:
        raise ProblemsFound()
