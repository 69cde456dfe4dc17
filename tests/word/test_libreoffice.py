"""LibreOffice headless opens every document partnerkit writes in Word format, and the PDF holds the key terms."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from partnerkit.claims import grounding
from partnerkit.deals import build_terms
from partnerkit.io.word.agreement import render_agreement
from partnerkit.io.word.batch import render_all_agreements
from partnerkit.io.word.report import write_strategy_docx
from partnerkit.model import Plan

pytestmark = pytest.mark.libreoffice


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing on CI; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found


def test_libreoffice_opens_every_generated_document(example_plan: Plan, tmp_path: Path) -> None:
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    docs = tmp_path / "docs"
    northwind = render_agreement(example_plan, "Northwind ERP", docs / "northwind.docx").path
    brightline = render_agreement(example_plan, "Brightline Advisory", docs / "brightline.docx").path
    strategy = write_strategy_docx(example_plan, docs / "strategy.docx")
    batch = render_all_agreements(example_plan, docs / "all")
    profile = (tmp_path / "profile").as_uri()  # a private profile: other LibreOffice runs do not interfere
    every = [northwind, brightline, strategy, *(d.path for d in batch.written)]
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, every),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )

    def text(name: str) -> str:
        pdf = tmp_path / "pdf" / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice did not convert {name}.docx"
        out = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
        )
        return " ".join(out.stdout.decode("utf-8").split())

    # The numbers come from the plan, as build_terms derives them.
    nw = build_terms(example_plan, "Northwind ERP")
    bl = build_terms(example_plan, "Brightline Advisory")
    integration = text("northwind")
    for term in [
        "Integration Partnership Agreement",
        nw.partner.legal_name,
        f"Revenue share {nw.term('revenue_share').display}",
        f"Referral fee {nw.term('referral_fee').display}",
        f"Initial term {nw.term('term_months').display}",
        "1. Definitions",
        "Schedule 1: Changes to Standard Terms",
        "DRAFT",
        "Page 1 of 10",
    ]:
        assert term in integration, term
    reseller = text("brightline")
    for term in [
        "Reseller Partnership Agreement",
        bl.partner.legal_name,
        f"Partner discount {bl.term('partner_discount').display}",
        f"Protection period {bl.term('protection_period_days').display}",
        f"Territory {bl.term('territory').display}",
        "2.1 Vendor appoints Partner",
    ]:
        assert term in reseller, term
    for draft in batch.written:  # every draft of the batch opens, and names its partner
        legal_name = build_terms(example_plan, draft.partner).partner.legal_name
        assert legal_name in text(draft.path.stem), draft.partner
    report = text("strategy")
    for term in [
        "Partnership Strategy",
        "Executive Summary",
        "Partnership Tiers",
        ">$250K/year",
        "Active partners 6 15 36",
        f"Grounding ratio: {grounding(example_plan).ratio:.2f}. Page 1",
    ]:
        assert term in report, term
