"""Agreement drafts: golden outlines, every field in its slot, conditional clauses, untrusted names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from partnerkit.deals import NoAgreementError, UnknownPartnerError, build_terms
from partnerkit.io.word.agreement import render_agreement
from partnerkit.io.word.batch import draft_filename, render_all_agreements
from partnerkit.io.word.outline import outline
from partnerkit.model import Plan
from partnerkit.model.deals import OVERRIDABLE_TERMS, TERM_KINDS

from .conftest import partner_data, plan_of


@pytest.mark.parametrize(
    ("partner", "golden"),
    [("Northwind ERP", "integration-agreement"), ("Brightline Advisory", "reseller-agreement")],
)
def test_agreement_outline_matches_golden(
    example_plan: Plan, tmp_path: Path, check_golden: Callable[..., None], partner: str, golden: str
) -> None:
    path = tmp_path / f"{golden}.docx"
    draft = render_agreement(example_plan, partner, path)
    assert draft.problems == []
    check_golden(golden, outline(path), path)


def _section(lines: list[str], heading: str) -> list[str]:
    start = lines.index(f"[Heading 1] {heading}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[Heading 1]")), len(lines))
    return lines[start:end]


def _row(lines: list[str], label: str) -> str:
    rows = [line for line in lines if line.startswith(f"| {label} | ")]
    assert len(rows) == 1, (label, rows)
    return rows[0].removeprefix(f"| {label} | ").removesuffix(" |")


def sentinels(keys: list[str]) -> dict[str, Any]:
    """A distinct value of the right kind for each term, so that each can be found in exactly one place.

    Yes/no terms and choices have no distinct values: they stay at their standard.
    """
    numbers = iter([37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109])
    percents = iter(["17%", "19%", "23%", "29%", "31%"])
    money = iter([15013, 1031, 60007, 250009, 7019])
    out: dict[str, Any] = {}
    for key in keys:
        kind = TERM_KINDS[key]
        if kind == "text":
            out[key] = f"zz-{key}-zz"
        elif kind == "percent":
            out[key] = next(percents)
        elif kind == "money":
            out[key] = next(money)
        elif kind in ("days", "months"):
            out[key] = next(numbers)
        elif kind == "years":
            out[key] = 13
        elif kind == "list":
            out[key] = [f"zz-{key}-1", f"zz-{key}-2"]
    return out


def shown(key: str, value: Any) -> str:
    """How the draft prints a sentinel value in the term's own row."""
    kind = TERM_KINDS[key]
    if kind == "money":
        return f"${value:,}"
    if kind in ("days", "months", "years"):
        return f"{value} {kind}"
    if kind == "list":
        return "; ".join(value)
    return str(value)


@pytest.mark.parametrize("partner", ["Stackpay", "Summit Cloud Group"])
def test_every_field_lands_once_in_its_slot(plan_data: dict[str, Any], tmp_path: Path, partner: str) -> None:
    data = plan_data
    entry = partner_data(data, partner)
    entry.update(
        legal_name="zz-legal-name-zz",
        notice_address="zz-notice-address-zz",
        contact="zz-contact-zz",
        effective_date="2026-03-17",
    )
    plan = plan_of(data)
    keys = {t.key for t in build_terms(plan, partner).terms()} & OVERRIDABLE_TERMS
    values = sentinels(sorted(keys - {"sales_cycle_days"}))
    assert len(values) > 25
    entry["overrides"] = {key: {"value": value, "reason": f"why-{key}"} for key, value in values.items()}
    plan = plan_of(data)
    path = tmp_path / "sentinel.docx"
    render_agreement(plan, partner, path)
    lines = outline(path)
    schedule = _section(lines, "Schedule 1: Changes to Standard Terms")
    outside = [line for line in lines if line not in schedule]
    cover = [line for line in outside if line.startswith("| ")]
    combined = {
        "renewal_months": ("Renewal", f"{values.get('renewal_months')}-month"),
        "non_renewal_notice_days": ("Renewal", f"{values.get('non_renewal_notice_days')} days'"),
        "liability_cap_months": ("Liability cap", f"{values.get('liability_cap_months')} months before"),
        "liability_cap_amount": (
            "Liability cap",
            shown("liability_cap_amount", values.get("liability_cap_amount")),
        ),
    }
    terms = build_terms(plan, partner)
    for key, value in values.items():
        label, text = combined.get(key, (terms.term(key).label, shown(key, value)))
        assert text in _row(cover, label), (key, text)
        assert sum(line.count(text) for line in outside) == 1, (key, text)
        # ...and the schedule of changes lists it once, against the program's standard.
        assert sum(line.count(f"why-{key} |") for line in schedule) == 1, key
    assert _row(cover, "Effective date") == "17 March 2026"
    assert sum(line.count("zz-legal-name-zz") for line in lines) == 3  # parties, notices table, signature
    assert _row(cover, "zz-legal-name-zz").startswith("zz-notice-address-zz | zz-contact-zz")
    assert sum(line.count("zz-notice-address-zz") for line in lines) == 1
    assert sum(line.count("zz-contact-zz") for line in lines) == 1


def test_a_partner_named_with_markup_and_template_syntax_appears_exactly_so(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    name = 'Acme <Holdings> & "Sons" {{ 7*7 }}'
    partner_data(plan_data, "Keystone IT Partners").update(name=name, legal_name=name)
    plan = plan_of(plan_data)
    path = tmp_path / draft_filename(name)
    render_agreement(plan, name, path)
    lines = outline(path)
    assert (
        f"[Normal] Between Ledgerly, Inc. (“Vendor”) and {name} (“Partner”), each a “party” and together the “parties”."
        in lines
    )
    assert f"| Ledgerly, Inc. | {name} |" in lines
    assert any(
        line.endswith(f"Reseller Partnership Agreement: {name}. Page {{PAGE}} of {{NUMPAGES}}")
        for line in lines
    )
    assert "49" not in " ".join(lines)


def test_clauses_present_only_when_they_apply_and_no_empty_paragraph_left(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    plan = plan_of(plan_data)
    plain = tmp_path / "plain.docx"
    render_agreement(plan, "Keystone IT Partners", plain)
    entry = partner_data(plan_data, "Keystone IT Partners")
    entry["overrides"] = {"exclusivity": {"value": "exclusive", "reason": "Sole MSP in the Midwest"}}
    exclusive = tmp_path / "exclusive.docx"
    render_agreement(plan_of(plan_data), "Keystone IT Partners", exclusive)
    before, after = outline(plain), outline(exclusive)
    assert "[Heading 1] Exclusivity" not in before
    assert "[Heading 1] Exclusivity" in after
    for lines in (before, after):
        assert not [line for line in lines if line in ("[Normal]", "[Clause]", "[Heading 1]")]
        assert not [line for line in lines if "{%" in line or "{{" in line]
    # The heading and three clauses; the schedule's "None" line becomes an intro, a table and one change.
    assert len(after) == len(before) + 4 + 4
    assert "| Exclusivity | Non-exclusive | Exclusive | Sole MSP in the Midwest |" in after


def test_no_changes_means_a_one_line_schedule(example_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "keystone.docx"
    render_agreement(example_plan, "Keystone IT Partners", path)
    schedule = _section(outline(path), "Schedule 1: Changes to Standard Terms")
    assert schedule[1:] == ["[Normal] None: this draft follows the program's standard terms."]


def test_a_controlled_end_user_price_gets_the_legal_review_clause(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    plan_data["deal_frameworks"]["reseller"]["pricing"]["end_user_pricing"] = "controlled"
    path = tmp_path / "rpm.docx"
    render_agreement(plan_of(plan_data), "Keystone IT Partners", path)
    clause = _section(outline(path), "End-User Pricing")
    assert len(clause) == 3 and "LEGAL REVIEW REQUIRED" in clause[1]
    assert "sets its own resale prices" not in " ".join(clause)


def test_ecosystem_and_unknown_partners_get_no_draft(example_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(NoAgreementError):
        render_agreement(example_plan, "Open Finance Data Alliance", tmp_path / "x.docx")
    with pytest.raises(UnknownPartnerError, match="did you mean"):
        render_agreement(example_plan, "Northwind ERB", tmp_path / "x.docx")
    assert not list(tmp_path.iterdir())


def test_batch_skips_partners_with_term_errors_and_writes_the_rest(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    partner_data(plan_data, "Meridian MSP")["overrides"] = {"partner_discount": "55%"}
    plan = plan_of(plan_data)
    seen: list[str] = []
    result = render_all_agreements(plan, tmp_path, progress=seen.append)
    assert [s.partner for s in result.skipped] == ["Meridian MSP"]
    assert any("partner_discount" in reason for reason in result.skipped[0].reasons)
    assert len(result.written) == 17
    assert sorted(seen) == sorted([*(d.partner for d in result.written), "Meridian MSP"])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(draft_filename(d.partner) for d in result.written)  # no temporary file left over


def test_batch_on_two_processes_writes_the_same_documents(example_plan: Plan, tmp_path: Path) -> None:
    one = render_all_agreements(example_plan, tmp_path / "one", workers=1)
    two = render_all_agreements(example_plan, tmp_path / "two", workers=2)
    assert [d.partner for d in one.written] == [d.partner for d in two.written]
    for a, b in zip(one.written, two.written, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes()


def test_draft_filenames_are_portable() -> None:
    assert draft_filename("Ledger & Lane CPAs") == "Ledger-Lane-CPAs.docx"
    assert draft_filename('Acme <Holdings> & "Sons" {{ 7*7 }}') == "Acme-Holdings-Sons-7-7.docx"
    assert draft_filename("../../etc/passwd") == "etc-passwd.docx"
    assert draft_filename("<>") == "partner.docx"


def test_control_characters_in_the_plan_are_removed_with_a_warning(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    partner_data(plan_data, "Keystone IT Partners")["contact"] = "Tom\x07 Becker\u200f, COO"
    draft = render_agreement(plan_of(plan_data), "Keystone IT Partners", tmp_path / "k.docx")
    assert [(p.code, p.field) for p in draft.problems] == [("control-characters", "partner.contact")]
    assert (
        "| Keystone IT Partners, Inc. | 300 North LaSalle Drive, Chicago, IL 60654, United States | Tom Becker\u200f, COO |"
        in outline(draft.path)
    )
