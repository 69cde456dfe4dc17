"""A payout run: what each partner is owed for a period, as statements in Word and CSV and a run summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from partnerkit.services.deals import LoadedDeals, as_loaded, partner_names
from partnerkit.services.plan import require_plan

if TYPE_CHECKING:
    from partnerkit.loaded import LoadedPlan
    from partnerkit.payouts.statements import PayoutRun
    from partnerkit.pipeline.deals import Deal
    from partnerkit.pipeline.periods import Period
    from partnerkit.problems import Problem


@dataclass(frozen=True)
class PayoutResult:
    """The run (no statements when it has errors), the files written, and every problem placed."""

    run: PayoutRun
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the run can be paid: no errors in the deals, the balances brought in, or the run."""
        return not any(p.is_error for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape ``partnerkit payouts --json`` prints (docs/payouts.md)."""
        data = self.run.to_dict()
        data["problems"] = [p.to_dict() for p in self.problems]
        data["ok"] = self.ok
        data["written"] = [str(p) for p in self.written]
        return data


def period_of(period: Period | str) -> Period:
    """A period, or its text (``2026-Q3``) read; PartnerkitError naming the forms for other text."""
    from partnerkit.errors import PartnerkitError
    from partnerkit.pipeline.periods import Period, parse_period

    if isinstance(period, Period):
        return period
    try:
        return parse_period(period)
    except ValueError as exc:
        raise PartnerkitError(str(exc)) from None


def run_payouts(
    loaded: LoadedPlan,
    deals: LoadedDeals | Sequence[Deal],
    period: Period | str,
    output_dir: str | Path | None = None,
    *,
    carried_in: Mapping[str, Decimal] | str | Path | None = None,
    template: str | Path | None = None,
    prepared: date | None = None,
    replace_unedited: bool = False,
    force: bool = False,
    workers: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> PayoutResult:
    """The payout run of ``period`` (``2026-Q3``) under each partner's agreement (docs/payouts.md).

    ``carried_in`` is each partner's balance brought forward: a mapping, or the ``summary.csv`` of
    the previous run. With ``output_dir``, a run without errors writes ``summary.csv``, a CSV and a
    Word statement per partner (from the shipped template, or ``template``, rendered in a sandbox);
    statements are dated ``prepared`` (default: the period's last day, so a rerun writes the same
    files). A run with errors writes nothing. The overwrite rule: a file already in ``output_dir``
    is replaced only when partnerkit wrote it there and nobody changed it since (a rerun of the run
    replaces its own files; ``.partnerkit-written.json`` keeps their digests), or with ``force``;
    otherwise OutputExistsError names it and nothing is written. Raises TemplateError for a template
    that cannot render.
    With ``replace_unedited`` (the workbook's button), an edited file is kept with a warning and
    the rest of the run is written, instead of nothing. A large run writes its statements on every
    core (``workers`` processes; 1 writes them in this process); ``progress`` is called with each
    partner's name, and the number of statements, as its statement is written.
    """
    from partnerkit.payouts.run import compute_payouts

    plan = require_plan(loaded)
    table = as_loaded(deals)
    span = period_of(period)
    problems: list[Problem] = list(table.problems)
    balances: Mapping[str, Decimal] | None
    if isinstance(carried_in, str | Path):
        from partnerkit.io.pipeline.payouts import read_carried_over

        balances, read = read_carried_over(carried_in, partner_names(plan))
        problems += read
    else:
        balances = carried_in
    run = compute_payouts(plan, table.deals, span, carried_in=balances)
    problems += table.place(run.problems)
    written: list[Path] = []
    step = None if progress is None else partial(_tell, progress, len(run.statements))
    if output_dir is not None and not any(p.is_error for p in problems):
        folder = Path(output_dir)
        if replace_unedited:
            done, more = _write_unedited(run, plan, folder, prepared or span.end, template, workers, step)
            written += done
            problems += more
        else:
            if not force:
                _refuse_edited(run, folder)
            files, warnings = write_run_files(
                run,
                plan,
                folder,
                prepared=prepared or span.end,
                template=template,
                workers=workers,
                progress=step,
            )
            written += files
            problems += warnings
            from partnerkit.io.files import record

            # Every run records its files, so that the next run of the period may replace them: the
            # digests of the bytes it wrote, as the writers computed them.
            record(folder, {path.name: sha for path, sha in files.items()})
    return PayoutResult(run, written, problems)


def write_run_files(
    run: PayoutRun,
    plan: Any,
    folder: Path,
    *,
    prepared: date,
    template: str | Path | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[Path, str], list[Problem]]:
    """Write a run's files into ``folder`` (``payout_files``): each with the SHA-256 of the bytes
    written, and the template's warnings.

    A partner's CSV and its Word statement are one item of work, done on ``workers`` processes
    (``render_statements``); nothing is checked against what the folder holds (``run_payouts`` does).
    """
    from partnerkit.io.pipeline.payouts import statement_csv_writer, write_summary_csv
    from partnerkit.io.word.statement import render_statements

    summary, summary_sha = write_summary_csv(run, folder)
    files, warnings = render_statements(
        run,
        plan,
        folder,
        prepared=prepared,
        template=template,
        workers=workers,
        progress=progress,
        alongside=statement_csv_writer(run, folder),
    )
    return {summary: summary_sha, **files}, warnings


def _tell(progress: Callable[[str, int], None], total: int, partner: str) -> None:
    """Tell ``progress`` of one more statement written, and of how many the run has."""
    progress(partner, total)


def _write_unedited(
    run: PayoutRun,
    plan: Any,
    folder: Path,
    prepared: date,
    template: str | Path | None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Path], list[Problem]]:
    """Write the run's files into a scratch folder, then move each into ``folder`` unless the file there
    was edited since partnerkit wrote it (the agreements button's rule, ``io.files.Overwrite.UNEDITED``)."""
    import tempfile

    from partnerkit.io.files import (
        Overwrite,
        kept_reason,
        read_manifest,
        record,
        sync_folder,
        write_bytes_atomic,
    )
    from partnerkit.problems import Problem, Severity

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    problems: list[Problem] = []
    manifest = read_manifest(folder)
    recorded: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix=".partnerkit-", dir=folder) as scratch:
        made, warnings = write_run_files(
            run, plan, Path(scratch), prepared=prepared, template=template, workers=workers, progress=progress
        )
        problems += warnings
        for path, sha in made.items():
            target = folder / path.name
            reason = kept_reason(target, Overwrite.UNEDITED, manifest)
            if reason is not None:
                problems.append(
                    Problem(reason, severity=Severity.WARNING, location=str(target), code="statement_kept")
                )
                continue
            write_bytes_atomic(target, path.read_bytes(), durable=False)
            recorded[target.name] = sha
            written.append(target)
    sync_folder(folder)
    record(folder, recorded)
    return written, problems


def payout_files(run: PayoutRun, folder: Path) -> list[Path]:
    """The files a run writes into ``folder``: ``summary.csv``, then a CSV and a Word statement per partner."""
    from partnerkit.io.pipeline.payouts import statement_stems

    names = [stem + suffix for stem in statement_stems(run) for suffix in (".csv", ".docx")]
    return [folder / "summary.csv", *(folder / name for name in names)]


def _refuse_edited(run: PayoutRun, folder: Path) -> None:
    """OutputExistsError for the first file of the run the overwrite rule keeps (edited, or not ours)."""
    from partnerkit.io.files import OutputExistsError, Overwrite, kept_reason, read_manifest

    manifest = read_manifest(folder)  # read once: a run of 10,000 partners has 20,001 files
    for path in payout_files(run, folder):
        reason = kept_reason(path, Overwrite.UNEDITED, manifest)
        if reason is not None:
            raise OutputExistsError(f"{path}: {reason}; nothing was written (--force replaces it)")
