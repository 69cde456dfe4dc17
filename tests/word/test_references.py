"""References that resolve: clause, schedule and defined-term references in the templates and in every draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.deals import build_all_terms
from partnerkit.errors import TemplateError
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.word.agreement import TEMPLATE_FILES, load_template, render_agreement, template_path
from partnerkit.io.word.drafting import AgreementTemplate
from partnerkit.io.word.paragraphs import body_paragraphs, read_styles
from partnerkit.io.word.references import CLAUSE_REFERENCE, SCHEDULE_REFERENCE, heading_name
from partnerkit.model import Plan

from .conftest import partner_data, plan_of

PLAN = str(example_plan_path())


def edited(kind: str, tmp_path: Path, change: Callable[[Any], None], name: str = "legal.docx") -> Path:
    """The shipped template of ``kind`` edited the way legal edits it in Word (through python-docx)."""
    from docx import Document

    document = Document(str(template_path(kind)))
    change(document)
    path = tmp_path / name
    document.save(str(path))
    return path


def paragraphs_of(document: Any) -> list[Any]:
    return list(document.paragraphs)


def delete_clause(heading: str) -> Callable[[Any], None]:
    """Delete a clause: its heading and every paragraph up to the next heading."""

    def change(document: Any) -> None:
        paragraphs = paragraphs_of(document)
        start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1" and p.text == heading)
        end = next(
            i
            for i in range(start + 1, len(paragraphs))
            if paragraphs[i].style.name == "Heading 1" or paragraphs[i].text.startswith("{%p")
        )
        for paragraph in paragraphs[start:end]:
            paragraph._p.getparent().remove(paragraph._p)

    return change


def append_to(heading: str, text: str, style: str = "Clause") -> Callable[[Any], None]:
    """Add a paragraph right after a clause's heading."""

    def change(document: Any) -> None:
        target = next(p for p in paragraphs_of(document) if p.style.name == "Heading 1" and p.text == heading)
        added = document.add_paragraph(text, style=style)
        target._p.addnext(added._p)

    return change


def draft_numbers(path: Path) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """The number of each clause heading of a rendered draft, and every clause reference in it."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        styles = read_styles(archive.read("word/styles.xml"))
        paragraphs = body_paragraphs(archive.read("word/document.xml"), styles)
    numbers: dict[str, int] = {}
    references: list[tuple[int, str]] = []
    for paragraph in paragraphs:
        if styles.is_heading(paragraph.style) and paragraph.numbered:
            numbers[heading_name(paragraph.text)] = len(numbers) + 1
        else:
            for found in CLAUSE_REFERENCE.finditer(paragraph.text):
                references.append((int(found.group(1)), found.group(3) or ""))
    return numbers, references


@pytest.mark.parametrize("kind", sorted(TEMPLATE_FILES))
def test_the_shipped_templates_have_no_finding_at_all(kind: str) -> None:
    template = load_template(kind)
    assert template.findings(kind) == []
    assert template.framework == kind
    assert len(template.structure.references) >= 8
    assert all(r.target is not None for r in template.structure.references)


def _variants(plan_data: dict[str, Any]) -> Plan:
    """The example with partners that leave clauses out: no referral fee, no revenue share, exclusive."""
    plan_data["deal_frameworks"]["integration"]["commercial_terms"]["referral_fee"] = None
    partner_data(plan_data, "Stackpay")["overrides"] = {
        "revenue_share": {"value": None, "reason": "Strategic: no share"},
        "non_solicit_months": {"value": None, "reason": "Small team"},
    }
    partner_data(plan_data, "Keystone IT Partners")["overrides"] = {
        "exclusivity": {"value": "exclusive", "reason": "Sole MSP in the Midwest"},
        "deal_registration": {"value": False, "reason": "Direct-sales territory"},
    }
    return plan_of(plan_data)


def test_every_reference_in_every_draft_names_its_clause_by_its_number_in_that_draft(
    example_plan: Plan, plan_data: dict[str, Any], tmp_path: Path
) -> None:
    checked = 0
    for plan in (example_plan, _variants(plan_data)):
        for _, partner, terms in build_all_terms(plan):
            if terms is None:
                continue
            path = render_agreement(plan, partner.name, tmp_path / f"{checked}.docx").path
            numbers, references = draft_numbers(path)
            assert references
            for number, name in references:
                assert numbers[heading_name(name)] == number, (partner.name, name, number)
            assert list(numbers.values()) == list(range(1, len(numbers) + 1))  # continuous
            checked += 1
    assert checked == 36


def test_a_draft_that_leaves_clauses_out_closes_up_the_numbers(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    plan = _variants(plan_data)
    full, _ = draft_numbers(render_agreement(plan, "Keystone IT Partners", tmp_path / "k.docx").path)
    plain, _ = draft_numbers(render_agreement(plan, "Summit Cloud Group", tmp_path / "s.docx").path)
    assert "exclusivity" in full and "deal registration" not in full
    assert "exclusivity" not in plain and "deal registration" in plain
    assert full["indemnities"] == plain["indemnities"] == 18
    stackpay, _ = draft_numbers(render_agreement(plan, "Stackpay", tmp_path / "sp.docx").path)
    assert "revenue share" not in stackpay and "referral fees" not in stackpay
    assert stackpay["indemnities"] == 13


def test_the_check_fails_on_a_template_whose_indemnity_clause_was_deleted(
    example_plan: Plan, tmp_path: Path
) -> None:
    path = edited("reseller", tmp_path, delete_clause("Indemnities"))
    result = CliRunner().invoke(cli, ["templates", "check", str(path)])
    assert result.exit_code == 1, result.output
    assert "refers to Clause 19 (Indemnities), but the agreement has no clause “Indemnities”" in result.output
    assert "Traceback" not in result.output
    # ...and no draft comes from it: the render refuses it in one sentence.
    with pytest.raises(TemplateError, match=r"refers to Clause 19 \(Indemnities\), but the agreement has no"):
        render_agreement(example_plan, "Keystone IT Partners", tmp_path / "k.docx", template=path)
    assert not (tmp_path / "k.docx").exists()
    args = ["agreement", PLAN, "--partner", "Keystone IT Partners", "-o", str(tmp_path / "k.docx")]
    drafted = CliRunner().invoke(cli, [*args, "--template", str(path)])
    assert drafted.exit_code == 2 and "Traceback" not in drafted.output
    assert drafted.output.count("\n") == 1


def test_a_reference_to_a_clause_only_some_drafts_have_is_an_error(tmp_path: Path) -> None:
    path = edited(
        "reseller", tmp_path, append_to("Training", "Training does not change Clause 3 (Exclusivity).")
    )
    template = AgreementTemplate.load(path)
    messages = [f.message for f in template.findings("reseller") if f.is_error]
    assert len(messages) == 1
    assert (
        "refers to Clause 3 (Exclusivity), but that clause is in a draft only when flags.exclusive"
        in messages[0]
    )


def test_a_reference_inside_the_same_condition_is_sound(tmp_path: Path) -> None:
    path = edited(
        "reseller",
        tmp_path,
        append_to("Exclusivity", "This Clause 3 (Exclusivity) ends with the Initial term."),
    )
    assert [f for f in AgreementTemplate.load(path).findings("reseller") if f.is_error] == []


def test_schedule_references_and_bare_references(tmp_path: Path) -> None:
    path = edited(
        "integration",
        tmp_path,
        append_to("Notices", "Copies go as stated in Schedule 2 (Contacts). See also Clause 5 for support."),
    )
    findings = AgreementTemplate.load(path).findings("integration")
    errors = [f.message for f in findings if f.is_error]
    warnings = [f.message for f in findings if not f.is_error]
    assert any("refers to Schedule 2 (Contacts), but the agreement has no Schedule 2" in m for m in errors)
    assert any("refers to Clause 5 without its heading" in m for m in warnings)


def test_defined_terms_must_be_used_and_capitalised_terms_defined(tmp_path: Path) -> None:
    def change(document: Any) -> None:
        append_to("Definitions and Interpretation", "“Affiliate” means an entity that controls a party.")(
            document
        )
        append_to("Notices", "Notices to an Escrow Agent go by courier.")(document)

    findings = AgreementTemplate.load(edited("integration", tmp_path, change)).findings("integration")
    messages = [f.message for f in findings]
    assert all(not f.is_error for f in findings)
    assert any(m.startswith("“Affiliate” is defined in paragraph") and "never used" in m for m in messages)
    assert any(m.startswith("“Escrow” in paragraph") and "does not define it" in m for m in messages)


def test_a_key_terms_row_no_clause_uses_is_reported(tmp_path: Path) -> None:
    def change(document: Any) -> None:
        delete_clause("Training")(document)

    findings = AgreementTemplate.load(edited("reseller", tmp_path, change)).findings("reseller")
    messages = [f.message for f in findings]
    assert "the Key Terms row “Initial training” is a defined term that no clause uses" in messages
    assert "the Key Terms row “Ongoing training” is a defined term that no clause uses" in messages


def test_typed_clause_numbers_and_a_restarted_list_are_errors(tmp_path: Path) -> None:
    def change(document: Any) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        target = next(p for p in paragraphs_of(document) if p.text == "Training")
        target._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>')
        )
        target.runs[0].text = "6. Training"
        other = next(p for p in paragraphs_of(document) if p.text == "Insurance")
        other._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="1"/></w:numPr>'))

    errors = [
        f.message for f in AgreementTemplate.load(edited("reseller", tmp_path, change)).findings("reseller")
    ]
    assert any("“6. Training”" in m and "has its number typed in" in m for m in errors)
    assert any("clause numbering restarts at “Insurance”" in m for m in errors)


def test_the_written_number_need_not_be_right_in_the_template(example_plan: Plan, tmp_path: Path) -> None:
    """Legal writes the heading; partnerkit writes each draft's number."""
    path = edited(
        "reseller",
        tmp_path,
        append_to("Training", "Records are audited under Clause 99 (Reporting and Audit)."),
    )
    draft = render_agreement(example_plan, "Keystone IT Partners", tmp_path / "k.docx", template=path)
    numbers, references = draft_numbers(draft.path)
    assert (numbers["reporting and audit"], "Reporting and Audit") in references
    assert all(number != 99 for number, _ in references)


def test_schedule_and_clause_patterns() -> None:
    text = "as in Clause 12 (Confidentiality), Clause 4.2 (Pricing and Orders) and Schedule 1 (Changes to Standard Terms)"
    assert [(m.group(1), m.group(2), m.group(3)) for m in CLAUSE_REFERENCE.finditer(text)] == [
        ("12", "", "Confidentiality"),
        ("4", ".2", "Pricing and Orders"),
    ]
    assert [m.group(2) for m in SCHEDULE_REFERENCE.finditer(text)] == ["Changes to Standard Terms"]
    assert heading_name("  15.  Indemnities ") == "indemnities"
    assert re.sub(r"\s", "", heading_name("Partner’s Obligations")) == "partner'sobligations"
