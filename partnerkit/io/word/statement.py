"""Payout statements in Word: a statement's template context, and rendering every statement of a run.

The shipped template (``templates/payout-statement.docx``) is edited in Word like the agreements;
its context is plain strings, lists and dicts (docs/payouts.md). A template given by path is the
user's: it renders in a worker process with a time and memory limit, and its output XML is checked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from partnerkit.errors import TemplateError
from partnerkit.io.word.engine import WordTemplate
from partnerkit.model import AnyPartner, Plan
from partnerkit.model.values import format_percent
from partnerkit.payouts.statements import PayoutRun, Statement
from partnerkit.problems import Problem

STATEMENT_TEMPLATE = "payout-statement.docx"


def statement_template_path() -> Path:
    """The shipped payout statement template."""
    found = resources.files("partnerkit.templates").joinpath(STATEMENT_TEMPLATE)
    return Path(os.fspath(found))  # type: ignore[call-overload]


@lru_cache(maxsize=1)
def _default_template() -> WordTemplate:
    return WordTemplate.load(statement_template_path())


def _cents(amount: Any, currency: str) -> str:
    """Money as a statement shows it: always two decimals (``$14,400.00``, ``-$4,000.00``)."""
    from decimal import Decimal

    value = Decimal(amount)
    text = f"{abs(value):,.2f}"
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency)
    shown = f"{sign}{text}" if sign else f"{text} {currency}"
    return f"-{shown}" if value < 0 else shown


def statement_context(
    statement: Statement,
    run: PayoutRun,
    plan: Plan,
    *,
    prepared: date,
    reference: str | None = None,
    partner: AnyPartner | None = None,
) -> dict[str, Any]:
    """Everything a statement template can use, as plain strings, lists and dicts (docs/payouts.md).

    ``reference`` is the statement's reference in its run (``statement_references``); by default, the
    one its partner's name gives. ``partner`` is the statement's partner in ``plan``, when the caller
    has looked it up already (a run's statements look up their partners once, not each in the plan).
    """
    currency = statement.currency
    legal = plan.deal_frameworks.legal
    company = legal.company
    if partner is None:
        partner = plan.partner(statement.partner)
    agreement = {
        "integration": "Integration Partnership Agreement",
        "reseller": "Reseller Partnership Agreement",
    }
    kind = {"Integration": "integration", "Distribution": "reseller"}.get(statement.category.value)
    rules = [
        "Every amount is exact and each line is rounded to the cent (half a cent to the even cent).",
        f"A refund or churn within {run.clawback_days} days of the close takes the deal's commission back.",
    ]
    if run.minimum is not None:
        rules.append(
            f"Balances under {_cents(run.minimum, currency)} are carried over to the next payout run; "
            "a negative balance is carried over and recovered from later commissions."
        )
    else:
        rules.append("A negative balance is carried over and recovered from later commissions.")
    t = statement
    return {
        "program": plan.product.name,
        "company": {
            "legal_name": company.legal_name if company else plan.product.name,
            "notice_address": (company.notice_address if company else None) or "",
            "contact": (company.contact if company else None) or "",
        },
        "partner": {
            "name": t.partner,
            "legal_name": partner.legal_name or t.partner,
            "notice_address": partner.notice_address or "",
            "contact": partner.contact or "",
        },
        "statement": {
            "reference": statement_reference(t) if reference is None else reference,
            "period": t.period.label,
            "start": t.period.start.isoformat(),
            "end": t.period.end.isoformat(),
            "prepared": prepared.isoformat(),
            "currency": currency,
            "category": t.category.value,
            "tier": t.tier or "None",
            "agreement": agreement.get(kind or "", "None"),
            "status": t.status,
        },
        "lines": [
            {
                "date": line.day.isoformat() if line.day else "",
                "deal_id": line.deal_id,
                "account": line.account,
                "kind": line.kind.value
                if line.takes_back is None
                else f"clawback of {line.takes_back.value}",
                "base": _cents(line.base, currency),
                "rate": format_percent(line.rate),
                "amount": _cents(line.amount, currency),
                "note": line.note,
            }
            for line in t.lines
        ],
        "totals": {
            "sourced_revenue": _cents(t.sourced_revenue, currency),
            "earned": _cents(t.earned, currency),
            "clawed_back": _cents(t.clawed_back, currency),
            "accelerator": _cents(t.accelerator, currency),
            "net": _cents(t.net, currency),
            "carried_in": _cents(t.carried_in, currency),
            "balance": _cents(t.balance, currency),
            "minimum": _cents(t.minimum, currency) if t.minimum is not None else "None",
            "payable": _cents(t.payable, currency),
            "carried_out": _cents(t.carried_out, currency),
        },
        "rules": rules,
        "flags": {"lines": bool(t.lines), "paid": t.payable > 0, "carried_over": t.carried_out != 0},
    }


def statement_reference(statement: Statement) -> str:
    """The statement's reference: ``PAY-2026Q3-BRIGHTLINE-ADVISORY``."""
    slug = re.sub(r"[^A-Z0-9]+", "-", statement.partner.upper()).strip("-")[:24].strip("-") or "PARTNER"
    return f"PAY-{statement.period.label.replace('-', '')}-{slug}"


def statement_references(run: PayoutRun) -> list[str]:
    """Each statement's reference, told apart: partners whose names give the same reference (the same
    first 24 letters and digits, ``Ledger & Lane`` and ``Ledger Lane``) would be paid under one; the
    later one's is numbered (``PAY-2026Q3-LEDGER-LANE-5``), counted over the references before it."""
    from partnerkit.io.files import DistinctNames

    distinct = DistinctNames()
    return [distinct.take(statement_reference(s)) for s in run.statements]


def render_statements(
    run: PayoutRun,
    plan: Plan,
    folder: str | os.PathLike[str],
    *,
    prepared: date,
    template: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    alongside: Callable[[int], tuple[Path, str]] | None = None,
) -> tuple[dict[Path, str], list[Problem]]:
    """Write a Word statement for every partner of ``run`` into ``folder``: the paths, each with the
    SHA-256 of the document written there, and the warnings.

    Each file is written under a temporary name, then renamed; the folder is flushed to disk once at
    the end (docs/word.md, "Durability"). With the shipped template, a large run renders on every core
    (``workers`` processes, forked where that is safe; 1 renders in this process). ``template`` (a
    .docx path) is rendered in a limited worker process, all statements in one; TemplateError when it
    cannot be rendered. ``progress`` is called with each partner's name as its statement is written.
    ``alongside(index)`` writes another file of statement ``index`` (its CSV) in the process that
    writes its document, and gives its path and digest: those come first in the paths, partner by partner.
    """
    from partnerkit.io.files import partner_file_stems, sync_folder

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Named as the run's CSVs are (io/pipeline/payouts.statement_stems): no statement over another.
    paths = [folder / f"{stem}.docx" for stem in partner_file_stems(s.partner for s in run.statements)]
    references = statement_references(run)
    # The run's partners by name, once: a look-up in the plan walks its partners, every statement.
    partners = {p.name: p for _, p in plan.partners()}
    if template is None:
        from partnerkit.io.word.workers import batch_map

        compiled = _default_template()

        def write(index: int) -> tuple[int, list[Problem], str, tuple[Path, str] | None]:
            # In whichever process takes the statement: its context, its document, its file, and
            # the document's digest (64 characters back to this process, not the file read again);
            # the partner's other file too, so that a worker's file-system calls overlap the other's
            # rendering instead of waiting in a pass of their own.
            other = alongside(index) if alongside is not None else None
            statement = run.statements[index]
            context = statement_context(
                statement,
                run,
                plan,
                prepared=prepared,
                reference=references[index],
                partner=partners.get(statement.partner),
            )
            rendered = compiled.write(paths[index], context, durable=False)
            return index, rendered.problems, rendered.sha256, other

        results: Iterable[tuple[int, list[Problem], str, tuple[Path, str] | None]] = batch_map(
            workers, len(paths)
        )(write, list(range(len(paths))))
        found: list[list[Problem]] = [[] for _ in paths]
        digests = [""] * len(paths)
        others: list[tuple[Path, str] | None] = [None] * len(paths)
        for index, problems, sha, other in results:
            found[index], digests[index], others[index] = problems, sha, other
            if progress is not None:
                progress(run.statements[index].partner)
        sync_folder(folder)
        return _in_order(others, paths, digests), [problem for problems in found for problem in problems]
    from partnerkit.io.word.workers import Job, run_jobs

    source = Path(template)
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read template {source}: {exc.strerror or exc}") from exc
    WordTemplate(data, name=source.name)  # a broken template fails here, before any worker starts
    partner_of = {str(path): s.partner for path, s in zip(paths, run.statements, strict=True)}
    work = [
        Job(
            "user",
            statement_context(
                s, run, plan, prepared=prepared, reference=reference, partner=partners.get(s.partner)
            ),
            str(path),
            s.partner,
            durable=False,
        )
        for path, s, reference in zip(paths, run.statements, references, strict=True)
    ]
    warnings: list[Problem] = []
    # The other files first, in this process, while nothing else runs; the documents then come from
    # the limited worker.
    others = [alongside(index) if alongside is not None else None for index in range(len(paths))]
    written = dict.fromkeys(paths, "")
    for done in run_jobs(work, {"user": (data, source.name)}, workers=1, limited=True):
        if done.error:
            raise TemplateError(done.error)
        warnings += done.problems
        written[Path(done.path)] = done.sha256
        if progress is not None:
            progress(partner_of[done.path])
    sync_folder(folder)
    return _in_order(others, paths, [written[path] for path in paths]), warnings


def _in_order(
    others: list[tuple[Path, str] | None], paths: list[Path], digests: list[str]
) -> dict[Path, str]:
    """Each statement's files with their digests, partner by partner: its other file, then its document."""
    out: dict[Path, str] = {}
    for other, path, sha in zip(others, paths, digests, strict=True):
        if other is not None:
            out[other[0]] = other[1]
        out[path] = sha
    return out
