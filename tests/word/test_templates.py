"""The template contract, the shipped templates, and the templates / agreement / agreements commands."""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.deals import build_all_terms
from partnerkit.errors import TemplateError
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.word.agreement import TEMPLATE_FILES, template_path
from partnerkit.io.word.context import build_context
from partnerkit.io.word.engine import WordTemplate
from partnerkit.io.word.outline import outline
from partnerkit.io.word.variables import check_template, check_template_file, used_paths
from partnerkit.io.word.workers import render_limited
from partnerkit.model import Plan

from .conftest import partner_data, plan_of
from .test_engine import doctored

ROOT = Path(__file__).resolve().parents[2]
PLAN = str(example_plan_path())


def _contexts(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for _, _, terms in build_all_terms(plan):
        if terms is not None:
            out.setdefault(terms.kind.value, []).append(build_context(terms, as_of=plan.product.date))
    return out


@pytest.mark.parametrize("kind", sorted(TEMPLATE_FILES))
def test_template_contract(example_plan: Plan, kind: str) -> None:
    """Every variable a shipped template uses is provided for every partner, and every term is shown."""
    template = WordTemplate.load(template_path(kind))
    for context in _contexts(example_plan)[kind]:
        report = check_template(template, context, kind)
        assert report.missing == [], (context["partner_name"], report.missing)
        assert report.unused == [], (context["partner_name"], report.unused)
    used = used_paths(template)
    assert {"cover_terms[].label", "cover_terms[].value", "deviations", "company.legal_name"} <= used
    assert any(path.startswith("flags.") for path in used)


@pytest.mark.parametrize("name", sorted(TEMPLATE_FILES.values()))
def test_every_shipped_template_passes_templates_check(name: str) -> None:
    """templates/*.docx are the source legal edits: each passes the check a user runs on an edited one."""
    result = CliRunner().invoke(cli, ["templates", "check", str(ROOT / "templates" / name)])
    assert result.exit_code == 0, result.output
    assert "ok: every variable is provided, every term is shown, and every reference" in result.output


def test_the_template_generator_is_not_part_of_the_runtime_package() -> None:
    """The generator is a developer tool beside the templates, not a module partnerkit ships."""
    import importlib.util

    assert importlib.util.find_spec("partnerkit.io.word.make_templates") is None
    assert (ROOT / "templates" / "tools" / "make_templates.py").exists()


def test_templates_ship_inside_the_package() -> None:
    for kind, name in TEMPLATE_FILES.items():
        packaged = resources.files("partnerkit.templates").joinpath(name)
        assert packaged.is_file()
        assert template_path(kind).read_bytes() == (ROOT / "templates" / name).read_bytes()
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"partnerkit.templates": "templates"' in setup


def test_templates_have_real_styles_numbering_and_marking() -> None:
    for kind in TEMPLATE_FILES:
        with zipfile.ZipFile(template_path(kind)) as archive:
            styles = archive.read("word/styles.xml").decode()
            numbering = archive.read("word/numbering.xml").decode()
            header = archive.read("word/header1.xml").decode()
            footer = archive.read("word/footer1.xml").decode()
        assert 'w:styleId="Clause"' in styles and 'w:abstractNumId="90"' in numbering
        assert 'w:lvlText w:val="%1.%2"' in numbering
        assert "DRAFT" in header
        assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer


def test_check_reports_missing_variables_with_a_hint(example_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "edited.docx"
    path.write_bytes(doctored("reseller", "Territory: {{ terms.territry }} {{ partner.legal_name|upper }}"))
    report = check_template_file(path, example_plan)
    assert report.kind == "reseller"
    assert report.missing == ["terms.territry"]
    assert report.hints["terms.territry"] == "did you mean terms.territory?"
    assert not report.ok


def test_check_reports_terms_a_template_never_shows(example_plan: Plan, tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("{{ company.legal_name }} and {{ partner.legal_name }}: {{ terms.territory }}")
    path = tmp_path / "thin.docx"
    document.save(path)
    report = check_template_file(path, example_plan, kind="reseller")
    assert report.ok
    assert "terms.partner_discount" in report.unused and "deviations" in report.unused
    assert "terms.territory" not in report.unused and "company.legal_name" not in report.unused


def test_templates_export_and_check_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["templates", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TEMPLATE_FILES.values())
    edited = tmp_path / "reseller-agreement.docx"
    edited.write_bytes(b"legal's edits")
    again = runner.invoke(cli, ["templates", "export", str(tmp_path)])
    assert again.exit_code == 0 and "kept" in again.output
    assert edited.read_bytes() == b"legal's edits"
    check = runner.invoke(cli, ["templates", "check", str(tmp_path / "integration-agreement.docx")])
    assert check.exit_code == 0, check.output
    assert "ok: every variable is provided" in check.output
    broken = runner.invoke(cli, ["templates", "check", str(edited)])
    assert broken.exit_code == 2 and "not a Word document" in broken.output


def test_templates_check_json_and_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "edited.docx"
    path.write_bytes(doctored("integration", "{{ terms.nosuch }}"))
    result = CliRunner().invoke(cli, ["templates", "check", str(path), "--json"])
    assert result.exit_code == 1
    assert '"variable": "terms.nosuch"' in result.output


def test_agreement_command(tmp_path: Path) -> None:
    out = tmp_path / "northwind.docx"
    result = CliRunner().invoke(cli, ["agreement", PLAN, "--partner", "northwind erp", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and outline(out)[2] == "[Title] Integration Partnership Agreement"
    bad = CliRunner().invoke(
        cli, ["agreement", PLAN, "--partner", "Open Finance Data Alliance", "-o", str(out)]
    )
    assert bad.exit_code == 2 and "ecosystem" in bad.output
    wrong = CliRunner().invoke(
        cli, ["agreement", PLAN, "--partner", "Stackpay", "-o", str(tmp_path / "x.pdf")]
    )
    assert wrong.exit_code == 2


def test_agreement_command_refuses_terms_with_errors(
    plan_data: dict[str, Any], write_plan: Any, tmp_path: Path
) -> None:
    partner_data(plan_data, "Meridian MSP")["overrides"] = {"partner_discount": "55%"}
    plan = write_plan(plan_data)
    out = tmp_path / "meridian.docx"
    result = CliRunner().invoke(cli, ["agreement", str(plan), "--partner", "Meridian MSP", "-o", str(out)])
    assert result.exit_code == 1
    assert "no draft written" in result.output and "partner_discount" in result.output
    assert not out.exists()


def test_agreement_command_with_a_user_template(tmp_path: Path) -> None:
    template = tmp_path / "ours.docx"
    template.write_bytes(doctored("reseller", "Signed for {{ partner.legal_name }}."))
    out = tmp_path / "draft.docx"
    args = [
        "agreement",
        PLAN,
        "--partner",
        "Keystone IT Partners",
        "-o",
        str(out),
        "--template",
        str(template),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "[Normal] Signed for Keystone IT Partners, Inc.." in outline(out)
    evil = tmp_path / "evil.docx"
    evil.write_bytes(doctored("reseller", "{{ cycler.__init__.__globals__ }}"))
    refused = CliRunner().invoke(cli, [*args[:-1], str(evil), "--force"])
    assert refused.exit_code == 2 and "not allowed" in refused.output


def test_a_user_template_that_loops_for_ever_is_stopped(example_plan: Plan, tmp_path: Path) -> None:
    template = tmp_path / "loop.docx"
    bomb = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    template.write_bytes(doctored("reseller", bomb))
    context = _contexts(example_plan)["reseller"][0]
    with pytest.raises(TemplateError, match="took longer than"):
        render_limited(template, context, tmp_path / "out.docx", seconds=1)
    assert not (tmp_path / "out.docx").exists()


def test_a_user_template_that_eats_memory_is_stopped(example_plan: Plan, tmp_path: Path) -> None:
    template = tmp_path / "hog.docx"
    hog = "{% for i in range(100000) %}{% for j in range(100) %}{{ 'x' * 99999 }}{% endfor %}{% endfor %}"
    template.write_bytes(doctored("reseller", hog))
    context = _contexts(example_plan)["reseller"][0]
    with pytest.raises(TemplateError, match="more memory than allowed"):
        render_limited(template, context, tmp_path / "out.docx", seconds=60, memory=800 * 2**20)
    assert not (tmp_path / "out.docx").exists()


def test_agreements_command_lists_skipped_partners(
    plan_data: dict[str, Any], write_plan: Any, tmp_path: Path
) -> None:
    partner_data(plan_data, "Meridian MSP")["overrides"] = {"partner_discount": "55%"}
    plan = write_plan(plan_data)
    outdir = tmp_path / "drafts"
    result = CliRunner().invoke(cli, ["agreements", str(plan), "-o", str(outdir)])
    assert result.exit_code == 1
    assert "wrote 17 draft(s)" in result.output
    assert "Meridian MSP:" in result.output and "partner_discount" in result.output
    assert len(list(outdir.glob("*.docx"))) == 17
    clean = CliRunner().invoke(cli, ["agreements", PLAN, "-o", str(tmp_path / "all"), "--json"])
    assert clean.exit_code == 0
    assert clean.output.count('"agreement":') == 18


def test_plan_with_a_misspelt_partner_name_gets_a_hint(plan_data: dict[str, Any], write_plan: Any) -> None:
    plan_of(plan_data)
    result = CliRunner().invoke(cli, ["agreement", PLAN, "--partner", "Northwind ERB", "-o", "x.docx"])
    assert result.exit_code == 2 and "did you mean" in result.output
