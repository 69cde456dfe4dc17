"""``agreement compare``: a returned draft against the standard draft, from Word, python-docx and LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path, load
from partnerkit.loaded import LoadedPlan
from partnerkit.services import compare_agreement, draft_agreement

PLAN = str(example_plan_path())
PARTNER = "Brightline Advisory"


@pytest.fixture(scope="module")
def loaded() -> LoadedPlan:
    return load(example_plan_path())


@pytest.fixture
def standard(loaded: LoadedPlan, tmp_path: Path) -> Path:
    """The standard draft for Brightline Advisory, as it went out to the partner."""
    path = tmp_path / "sent.docx"
    assert draft_agreement(loaded, PARTNER, path).draft is not None
    return path


def returned(standard: Path, change: Any, name: str = "returned.docx") -> Path:
    """The draft as the partner sends it back, edited through python-docx (as Word would save it)."""
    from docx import Document

    document = Document(str(standard))
    change(document)
    path = standard.with_name(name)
    document.save(str(path))
    return path


def key_term(label: str, value: str) -> Any:
    def change(document: Any) -> None:
        key_terms = document.tables[1]
        (row,) = [r for r in key_terms.rows if r.cells[0].text == label]
        paragraph = row.cells[1].paragraphs[0]
        paragraph.runs[0].text = value
        for run in paragraph.runs[1:]:
            run.text = ""

    return change


def paragraph_of(document: Any, starts: str) -> Any:
    return next(p for p in document.paragraphs if p.text.startswith(starts))


def test_a_draft_compared_with_itself_reports_nothing(loaded: LoadedPlan, standard: Path) -> None:
    result = compare_agreement(loaded, PARTNER, standard)
    assert result.comparison.identical and result.comparison.policy == []
    cli_result = CliRunner().invoke(cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(standard)])
    assert cli_result.exit_code == 0, cli_result.output
    assert "no changes: the returned draft says what the standard draft says" in cli_result.output


def test_one_changed_term_is_reported_as_exactly_that(loaded: LoadedPlan, standard: Path) -> None:
    path = returned(standard, key_term("Partner discount", "32%"))
    comparison = compare_agreement(loaded, PARTNER, path).comparison
    assert [t.to_dict() for t in comparison.terms] == [
        {"label": "Partner discount", "key": "partner_discount", "old": "30%", "new": "32%"}
    ]
    assert comparison.clauses == [] and comparison.unread == []
    # 32% is inside the margin band but differs from the tier's 30% without a reason: policy broken.
    codes = {f.code for f in comparison.policy}
    assert "differs_from_tier" in codes and comparison.breaks_policy
    assert codes <= {"differs_from_tier", "registered_discount_above_band", "margin_differs_from_strategy"}


def test_a_policy_breaking_change_fails_the_command(standard: Path) -> None:
    path = returned(standard, key_term("Protection period", "20 days"))
    result = CliRunner().invoke(cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(path)])
    assert result.exit_code == 1, result.output
    assert "Protection period" in result.output and "120 days" in result.output and "20 days" in result.output
    assert "registered deals have a protection period of 20 days; it should be 30-365 days" in result.output
    data = json.loads(
        CliRunner()
        .invoke(cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(path), "--json"])
        .stdout
    )
    assert data["terms"] == [
        {"label": "Protection period", "key": "protection_period_days", "old": "120 days", "new": "20 days"}
    ]
    assert [p["code"] for p in data["policy"]] == ["protection_out_of_range"]
    assert data["clauses"] == [] and data["identical"] is False


def test_an_added_a_removed_and_a_reworded_clause(loaded: LoadedPlan, standard: Path) -> None:
    def change(document: Any) -> None:
        insurance = paragraph_of(document, "Insurance")
        body = paragraph_of(document, "During this Agreement and for one year after it ends, Partner will")
        body._p.getparent().remove(body._p)
        certificates = paragraph_of(document, "Partner will give Vendor certificates")
        certificates._p.getparent().remove(certificates._p)
        insurance._p.getparent().remove(insurance._p)
        training = paragraph_of(document, "Vendor provides its standard training materials")
        training.runs[0].text = training.runs[0].text.replace("without charge", "at cost")
        heading = document.add_paragraph("Most Favoured Customer", style="Heading 1")
        clause = document.add_paragraph("Vendor will offer Partner its best partner price.", style="Clause")
        general = paragraph_of(document, "General")
        general._p.addprevious(heading._p)
        general._p.addprevious(clause._p)

    comparison = compare_agreement(loaded, PARTNER, returned(standard, change)).comparison
    by_change = {(c.change, c.heading): c for c in comparison.clauses}
    assert set(by_change) == {
        ("removed", "Insurance"),
        ("added", "Most Favoured Customer"),
        ("reworded", "Training"),
    }
    (reworded,) = by_change[("reworded", "Training")].paragraphs
    assert "without charge" in (reworded.old or "") and "at cost" in (reworded.new or "")
    assert by_change[("added", "Most Favoured Customer")].paragraphs[0].new == (
        "Vendor will offer Partner its best partner price."
    )
    assert len(by_change[("removed", "Insurance")].paragraphs) == 2
    assert comparison.terms == []


def test_a_redline_tracks_every_change(loaded: LoadedPlan, standard: Path, tmp_path: Path) -> None:
    path = returned(standard, key_term("Protection period", "60 days"))
    redline = tmp_path / "redline.docx"
    result = compare_agreement(loaded, PARTNER, path, redline)
    assert result.redline == redline
    with zipfile.ZipFile(redline) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:ins ") == 1 and xml.count("<w:del ") == 1
    assert 'w:author="Brightline Advisory"' in xml
    assert '<w:delText xml:space="preserve">120</w:delText>' in xml and ">60</w:t>" in xml
    refused = CliRunner().invoke(
        cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(path), "-o", str(redline)]
    )
    assert refused.exit_code == 2 and "exists" in refused.output


def test_compare_reads_a_returned_file_as_one_sentence_when_it_is_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "returned.docx"
    bad.write_text("not a document", encoding="utf-8")
    result = CliRunner().invoke(cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(bad)])
    assert result.exit_code == 2 and "is not a Word document" in result.output
    assert "Traceback" not in result.output


def test_the_agreement_command_still_drafts_without_a_subcommand(tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    result = CliRunner().invoke(cli, ["agreement", PLAN, "--partner", PARTNER, "-o", str(out)])
    assert result.exit_code == 0 and out.exists()
    explicit = CliRunner().invoke(
        cli, ["agreement", "draft", PLAN, "--partner", PARTNER, "-o", str(out), "--force"]
    )
    assert explicit.exit_code == 0
    helped = CliRunner().invoke(cli, ["agreement", "--help"])
    assert "compare" in helped.output and "draft" in helped.output


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing on CI; .ci/run installs it")
        pytest.skip("soffice is not installed")
    return found


def _through_libreoffice(source: Path, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    made = outdir / source.name
    assert made.exists()
    return made


@pytest.mark.libreoffice
def test_a_file_saved_by_libreoffice_compares_and_a_redline_opens_with_its_changes(
    loaded: LoadedPlan, standard: Path, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    saved = _through_libreoffice(standard, tmp_path / "lo", profile)
    assert compare_agreement(loaded, PARTNER, saved).comparison.identical
    edited = returned(saved, key_term("Protection period", "20 days"), name="edited.docx")
    resaved = _through_libreoffice(edited, tmp_path / "lo2", profile)
    comparison = compare_agreement(loaded, PARTNER, resaved).comparison
    assert [(t.label, t.old, t.new) for t in comparison.terms] == [
        ("Protection period", "120 days", "20 days")
    ]
    assert comparison.clauses == [] and comparison.breaks_policy
    # LibreOffice reads the redline's w:ins/w:del as tracked changes: it writes them back as such.
    redline = compare_agreement(loaded, PARTNER, resaved, tmp_path / "redline.docx").redline
    assert redline is not None
    round_trip = _through_libreoffice(redline, tmp_path / "lo3", profile)
    with zipfile.ZipFile(round_trip) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "<w:ins " in xml and "<w:del " in xml and "Brightline Advisory" in xml


def test_text_of_the_returned_draft_prints_as_written(standard: Path) -> None:
    # the partner's edits are untrusted text: rich markup in them must print, not style or vanish
    path = returned(standard, key_term("Protection period", "[bold]20[/bold] days [eu]"))
    result = CliRunner().invoke(cli, ["agreement", "compare", PLAN, "--partner", PARTNER, str(path)])
    assert result.exit_code in (0, 1) and result.exception is None, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("│ Protection period")]
    assert len(rows) == 1 and "[bold]20[/bold] days [eu]" in rows[0]  # the table's cell, as typed
