"""Layout a lawyer accepts: whole rows, repeated headers, headings kept with their text, one date format,
highlighted blanks, and every clause the standard terms need."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from partnerkit.io.word.agreement import render_agreement, template_path
from partnerkit.io.word.batch import render_all_agreements
from partnerkit.io.word.outline import outline
from partnerkit.io.word.paragraphs import read_styles
from partnerkit.model import Plan

from .conftest import partner_data, plan_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# What a commercial lawyer expects of a partner agreement, and where each draft says it: a clause
# heading, or the bold lead-in of a paragraph of the General clause.
STANDARD_TERMS = {
    "definitions": "[Heading 1] Definitions and Interpretation",
    "fees, payment, invoicing, taxes and late payment": "[Heading 1] Fees, Payment and Taxes",
    "reporting and audit": "[Heading 1] Reporting and Audit",
    "intellectual property": "[Heading 1] Intellectual Property",
    "trademark licence": "[Heading 1] Trademark Licence",
    "confidentiality": "[Heading 1] Confidentiality",
    "data protection": "[Heading 1] Data Protection",
    "warranties and disclaimer": "[Heading 1] Warranties and Disclaimer",
    "indemnities": "[Heading 1] Indemnities",
    "limitation of liability": "[Heading 1] Limitation of Liability",
    "non-solicitation and non-circumvention": "[Heading 1] Non-Solicitation and Non-Circumvention",
    "compliance (anti-bribery, export and sanctions)": "[Heading 1] Compliance",
    "term and termination": "[Heading 1] Term and Termination",
    "effects of termination": "[Heading 1] Effects of Termination",
    "notices": "[Heading 1] Notices",
    "assignment": "[Heading 1] Assignment and Subcontracting",
    "force majeure": "[Heading 1] Force Majeure",
    "governing law and courts": "[Heading 1] Dispute Resolution and Governing Law",
    "entire agreement": "[Clause] Entire agreement.",
    "amendment": "[Clause] Amendment.",
    "waiver": "[Clause] Waiver.",
    "severability": "[Clause] Severability.",
    "independent contractors": "[Clause] Independent contractors.",
    "no third-party beneficiaries": "[Clause] No third-party beneficiaries.",
    "counterparts and e-signature": "[Clause] Counterparts and electronic signature.",
    "order of precedence": "[Clause] Order of precedence.",
    "changes to standard terms": "[Heading 1] Schedule 1: Changes to Standard Terms",
    "signatures": "[Heading 1] Signatures",
}
FRAMEWORK_TERMS = {
    "integration": {
        "appointment and scope": "[Heading 1] Appointment and Scope",
        "each side's obligations": "[Heading 1] Technical Obligations",
        "marketing obligations": "[Heading 1] Marketing Obligations",
        "support obligations": "[Heading 1] Support Obligations",
        "revenue share": "[Heading 1] Revenue Share",
        "referral: definition, lookback, attribution, base, tail": "[Heading 1] Referral Fees",
    },
    "reseller": {
        "appointment and territory": "[Heading 1] Appointment and Territory",
        "pricing and orders": "[Heading 1] Pricing and Orders",
        "end-user pricing": "[Heading 1] End-User Pricing",
        "deal registration": "[Heading 1] Deal Registration",
        "training": "[Heading 1] Training",
        "minimum commitment": "[Heading 1] Minimum Commitment",
        "partner's obligations": "[Heading 1] Partner's Obligations",
        "vendor's obligations": "[Heading 1] Vendor's Obligations",
        "flow-down of end-customer terms": "[Heading 1] End Customers",
        "insurance": "[Heading 1] Insurance",
    },
}


@pytest.fixture(scope="module")
def drafts(example_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("drafts")
    return [d.path for d in render_all_agreements(example_plan, folder, workers=1).written]


@pytest.mark.parametrize(
    ("partner", "kind"), [("Northwind ERP", "integration"), ("Brightline Advisory", "reseller")]
)
def test_each_framework_holds_every_standard_term(
    example_plan: Plan, tmp_path: Path, partner: str, kind: str
) -> None:
    lines = outline(render_agreement(example_plan, partner, tmp_path / "d.docx").path)
    wanted = {**STANDARD_TERMS, **FRAMEWORK_TERMS[kind]}
    missing = [what for what, start in wanted.items() if not any(line.startswith(start) for line in lines)]
    assert missing == []
    # The referral framework (integration agreements): every referral term has its words.
    if kind == "integration":
        text = " ".join(lines)
        for term in ("Referral definition", "Pipeline lookback", "Attribution window", "Commission base"):
            assert f"the {term}" in text or f"during the {term}" in text, term
        assert "Commission tail cap" in text


def _document(path: Path) -> Any:
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml")), archive.read("word/styles.xml")


def test_every_table_row_of_every_draft_stays_whole_and_header_rows_repeat(drafts: list[Path]) -> None:
    assert len(drafts) == 18
    for path in drafts:
        root, _ = _document(path)
        tables = root.findall(f".//{W}tbl")
        assert len(tables) >= 3
        for table in tables:
            rows = table.findall(f"{W}tr")
            assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows), path.name
        key_terms = tables[1]  # the parties, then the Key Terms
        assert key_terms.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None


def test_headings_keep_with_the_next_paragraph(drafts: list[Path]) -> None:
    _, styles_xml = _document(drafts[0])
    styles = read_styles(styles_xml)
    assert styles.keeps_with_next("Heading1")
    for kind in ("integration", "reseller"):
        with zipfile.ZipFile(template_path(kind)) as archive:
            assert read_styles(archive.read("word/styles.xml")).keeps_with_next("Heading1")


_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_LONG = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
)


def test_one_date_format_throughout(drafts: list[Path]) -> None:
    for path in drafts:
        text = "\n".join(outline(path))
        assert not _ISO.search(text), path.name
        assert "Draft of 5 January 2026 for legal review" in text


@pytest.mark.parametrize(("setting", "shown"), [("iso", "2026-01-05"), ("us", "January 5, 2026")])
def test_the_date_format_is_the_plans(
    plan_data: dict[str, Any], tmp_path: Path, setting: str, shown: str
) -> None:
    plan_data["documents"] = {"date_format": setting}
    partner_data(plan_data, "Keystone IT Partners")["effective_date"] = "2026-02-01"
    lines = outline(render_agreement(plan_of(plan_data), "Keystone IT Partners", tmp_path / "k.docx").path)
    assert f"[Subtitle] Draft of {shown} for legal review" in lines
    effective = "2026-02-01" if setting == "iso" else "February 1, 2026"
    assert f"| Effective date | {effective} |" in lines
    assert not _LONG.search(" ".join(lines))


def test_blanks_to_fill_are_highlighted_and_none_means_none(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    plan_data["deal_frameworks"]["legal"]["courts"] = None
    partner_data(plan_data, "Keystone IT Partners")["contact"] = None
    path = render_agreement(plan_of(plan_data), "Keystone IT Partners", tmp_path / "k.docx").path
    lines = outline(path)
    assert "| Courts | [●] |" in lines
    assert any(
        line.startswith("| Keystone IT Partners, Inc. |") and line.endswith("| [●] |") for line in lines
    )
    assert not any("Not specified" in line for line in lines)
    root, _ = _document(path)
    blanks = [t for t in root.iter(f"{W}t") if "[●]" in (t.text or "")]
    assert len(blanks) == 2
    for text in blanks:
        highlight = text.getparent().find(f"{W}rPr/{W}highlight")
        assert highlight is not None and highlight.get(f"{W}val") == "yellow"
    # A value that is not there because there is none reads "None", not a blank.
    assert "| Minimum annual commitment | $60,000 |" in lines  # the example has one...
    partner_data(plan_data, "Keystone IT Partners")["overrides"] = {
        "quota_minimum_annual": {"value": None, "reason": "First year is a pilot"}
    }
    again = outline(render_agreement(plan_of(plan_data), "Keystone IT Partners", tmp_path / "k2.docx").path)
    assert "| Minimum annual commitment | None |" in again  # ...and without one it reads None


def test_rows_of_clauses_a_draft_leaves_out_are_left_out_too(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    plan_data["deal_frameworks"]["integration"]["commercial_terms"]["referral_fee"] = None
    lines = outline(render_agreement(plan_of(plan_data), "Stackpay", tmp_path / "s.docx").path)
    assert "[Heading 1] Referral Fees" not in lines
    assert not [
        line for line in lines if line.startswith(("| Referral fee", "| Pipeline lookback", "| Commission"))
    ]
    assert not any("Referral" in line for line in lines)


def test_a_legal_template_with_a_table_of_its_own_gets_whole_rows(example_plan: Plan, tmp_path: Path) -> None:
    from docx import Document

    document = Document(str(template_path("reseller")))
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "Escalation contact"
    table.rows[1].cells[0].text = "{{ partner.contact }}"
    path = tmp_path / "legal.docx"
    document.save(str(path))
    draft = render_agreement(example_plan, "Keystone IT Partners", tmp_path / "k.docx", template=path)
    root, _ = _document(draft.path)
    last = root.findall(f".//{W}tbl")[-1]
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in last.findall(f"{W}tr"))
