"""Legal's templates everywhere, nothing edited overwritten, and PDFs for signature."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.errors import TemplateError
from partnerkit.io.files import MANIFEST, OutputExistsError
from partnerkit.io.planfile import load
from partnerkit.io.word.agreement import render_agreement, template_path
from partnerkit.io.word.batch import draft_filename
from partnerkit.io.word.outline import outline
from partnerkit.io.word.pdf import INSTALL_HINT
from partnerkit.services import draft_agreement, draft_agreements, write_strategy

from .conftest import plan_of
from .test_references import append_to, edited

MARK = "Legal's edition: Vendor trains two more staff free of charge."


def legal_folder(tmp_path: Path) -> Path:
    """A plan folder with legal/reseller-agreement.docx, the shipped template with one edit."""
    folder = tmp_path / "plan"
    (folder / "legal").mkdir(parents=True)
    edited("reseller", folder / "legal", append_to("Training", MARK), name="reseller-agreement.docx")
    return folder


def plan_with_templates(plan_data: dict[str, Any], folder: Path, **templates: str) -> Path:
    import yaml

    plan_data["documents"] = {"templates": templates}
    path = folder / "plan.yaml"
    path.write_text(yaml.safe_dump(plan_data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def text_of(path: Path) -> str:
    return "\n".join(outline(path))


def invoke(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_plan_names_legal_templates_for_single_drafts_batches_and_the_api(
    plan_data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = legal_folder(tmp_path)
    plan = plan_with_templates(plan_data, folder, reseller="legal/reseller-agreement.docx")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the paths are the plan file's, not the working folder's

    single = invoke("agreement", plan, "--partner", "Keystone IT Partners", "-o", tmp_path / "k.docx")
    assert single.exit_code == 0, single.output
    assert "from legal/reseller-agreement.docx" in single.output or "legal" in single.output
    assert MARK in text_of(tmp_path / "k.docx")

    batch = invoke("agreements", plan, "-o", tmp_path / "drafts", "--json")
    assert batch.exit_code == 0, batch.output
    data = json.loads(batch.output)
    assert data["templates"]["reseller"].endswith(os.path.join("legal", "reseller-agreement.docx"))
    assert data["templates"]["integration"] == "the shipped integration-agreement.docx"
    for row in data["written"]:
        assert (MARK in text_of(Path(row["path"]))) == (row["agreement"] == "reseller"), row["partner"]

    loaded = load(plan)
    result = draft_agreements(loaded, tmp_path / "api", workers=2)
    assert len(result.written) == 18 and not result.skipped  # two worker processes, legal's template
    assert all((MARK in text_of(d.path)) == (d.kind == "reseller") for d in result.written)


def test_template_and_template_dir_override_the_plan(plan_data: dict[str, Any], tmp_path: Path) -> None:
    folder = legal_folder(tmp_path)
    plan = plan_with_templates(plan_data, folder, reseller="legal/reseller-agreement.docx")
    other = tmp_path / "other"
    other.mkdir()
    edited("reseller", other, append_to("Training", "Other edition."), name="reseller-agreement.docx")
    single = invoke(
        "agreement",
        plan,
        "--partner",
        "Keystone IT Partners",
        "-o",
        tmp_path / "k.docx",
        "--template",
        other / "reseller-agreement.docx",
    )
    assert single.exit_code == 0, single.output
    assert "Other edition." in text_of(tmp_path / "k.docx") and MARK not in text_of(tmp_path / "k.docx")
    batch = invoke("agreements", plan, "-o", tmp_path / "drafts", "--template-dir", other)
    assert batch.exit_code == 0, batch.output
    keystone = tmp_path / "drafts" / draft_filename("Keystone IT Partners")
    assert "Other edition." in text_of(keystone)
    empty = tmp_path / "empty"
    empty.mkdir()
    none = invoke("agreements", plan, "-o", tmp_path / "d2", "--template-dir", empty)
    assert (
        none.exit_code == 2
        and "holds no integration-agreement.docx or reseller-agreement.docx" in none.output
    )


def test_a_template_of_the_wrong_framework_is_refused_in_one_sentence(
    plan_data: dict[str, Any], tmp_path: Path
) -> None:
    folder = tmp_path / "plan"
    (folder / "legal").mkdir(parents=True)
    shutil.copyfile(template_path("reseller"), folder / "legal" / "reseller.docx")
    plan = plan_with_templates(plan_data, folder, integration="legal/reseller.docx")
    for args in (
        ["agreement", plan, "--partner", "Northwind ERP", "-o", tmp_path / "n.docx"],
        ["agreements", plan, "-o", tmp_path / "drafts"],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert result.output.strip().count("\n") == 0 and "Traceback" not in result.output
        assert "reseller.docx is a reseller agreement template" in result.output
        assert "use an integration agreement template" in result.output
    assert not (tmp_path / "n.docx").exists() and not (tmp_path / "drafts").exists()
    # Without its Category property, its variables give it away.
    from docx import Document

    document = Document(str(folder / "legal" / "reseller.docx"))
    document.core_properties.category = ""
    document.save(str(folder / "legal" / "reseller.docx"))
    with pytest.raises(TemplateError, match=r"it uses flags\.controlled_pricing"):
        render_agreement(
            load(plan).plan, "Northwind ERP", tmp_path / "n.docx", template=folder / "legal" / "reseller.docx"
        )  # type: ignore[arg-type]


def test_a_misspelt_variable_in_legal_template_is_named_with_its_paragraph_and_the_partner(
    tmp_path: Path,
) -> None:
    from partnerkit.io.planfile import example_plan_path

    path = edited("reseller", tmp_path, append_to("Training", "Trainer: {{ partner.legl_name }}."))
    for args in (
        ["agreement", example_plan_path(), "--partner", "Keystone IT Partners", "-o", tmp_path / "k.docx"],
        [
            "agreements",
            example_plan_path(),
            "-o",
            tmp_path / "all",
            "--template-dir",
            tmp_path,
            "--workers",
            "2",
        ],
    ):
        if args[0] == "agreements":
            (tmp_path / "reseller-agreement.docx").write_bytes(path.read_bytes())
        else:
            args += ["--template", path]
        result = invoke(*args)
        assert result.exit_code in (1, 2), result.output
        assert "unknown variable 'partner.legl_name'" in result.output
        assert "(“Trainer: {{ partner.legl_name }}.”) (the draft for Keystone IT Partners)" in result.output
        assert "did you mean 'partner.legal_name'?" in result.output
        assert "Traceback" not in result.output and "dict object" not in result.output


def test_a_template_the_plan_names_must_exist(plan_data: dict[str, Any], tmp_path: Path) -> None:
    plan = plan_with_templates(plan_data, tmp_path, reseller="legal/missing.docx")
    result = invoke("agreement", plan, "--partner", "Keystone IT Partners", "-o", tmp_path / "k.docx")
    assert result.exit_code == 2
    assert "documents.templates.reseller names legal/missing.docx, which does not exist" in result.output


def test_the_plan_refuses_a_template_that_is_not_a_docx(plan_data: dict[str, Any]) -> None:
    import yaml

    from partnerkit.io.planfile import parse_plan_text

    plan_data["documents"] = {"templates": {"reseller": "legal/reseller.pdf", "referral": "x.docx"}}
    plan, problems = parse_plan_text(yaml.safe_dump(plan_data), "plan.yaml")
    assert plan is None
    messages = [str(p) for p in problems]
    assert any("is not a Word template: a template is a .docx file" in m for m in messages)
    assert any("referral" in m for m in messages)


# --- nothing edited is overwritten ------------------------------------------------------------------


def test_a_single_draft_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    from partnerkit.io.planfile import example_plan_path

    out = tmp_path / "k.docx"
    out.write_bytes(b"legal's hand edits")
    args = ["agreement", example_plan_path(), "--partner", "Keystone IT Partners", "-o", out]
    refused = invoke(*args)
    assert (
        refused.exit_code == 2
        and "exists (it may hold edits)" in refused.output
        and "--force" in refused.output
    )
    assert out.read_bytes() == b"legal's hand edits"
    forced = invoke(*args, "--force")
    assert forced.exit_code == 0 and out.read_bytes() != b"legal's hand edits"


def test_the_batch_keeps_existing_drafts_and_lists_them(tmp_path: Path) -> None:
    from partnerkit.io.planfile import example_plan_path

    folder = tmp_path / "drafts"
    first = invoke("agreements", example_plan_path(), "-o", folder)
    assert first.exit_code == 0
    edited_draft = folder / draft_filename("Keystone IT Partners")
    edited_draft.write_bytes(b"edited")
    again = invoke("agreements", example_plan_path(), "-o", folder, "--json")
    assert again.exit_code == 1
    data = json.loads(again.output)
    assert data["written"] == [] and len(data["skipped"]) == 18
    assert all(s["kept_existing_file"] for s in data["skipped"])
    assert (
        "exists (it may hold edits), so it is kept (--force replaces it)" in data["skipped"][0]["reasons"][0]
    )
    assert edited_draft.read_bytes() == b"edited"
    assert not (folder / MANIFEST).exists()  # the command line keeps no record
    text = invoke("agreements", example_plan_path(), "-o", folder)
    assert "skipped 18 partner(s) whose draft exists already:" in text.output
    forced = invoke("agreements", example_plan_path(), "-o", folder, "--force")
    assert forced.exit_code == 0 and edited_draft.read_bytes() != b"edited"


def test_replacing_unedited_drafts_keeps_an_edited_one(example_plan: Any, tmp_path: Path) -> None:
    from partnerkit.loaded import LoadedPlan

    loaded = LoadedPlan.of(example_plan)
    first = draft_agreements(loaded, tmp_path, replace_unedited=True)
    assert len(first.written) == 18 and (tmp_path / MANIFEST).exists()
    keystone = tmp_path / draft_filename("Keystone IT Partners")
    keystone.write_bytes(keystone.read_bytes() + b" ")
    (tmp_path / "Atlas-Reseller-Network.docx").unlink()
    mine = tmp_path / "Stackpay.docx"
    second = draft_agreements(loaded, tmp_path, replace_unedited=True)
    assert len(second.written) == 17 and mine.exists()
    (kept,) = second.skipped
    assert kept.partner == "Keystone IT Partners" and kept.kept
    assert "was edited after partnerkit wrote it" in kept.reasons[0]


def test_the_strategy_refuses_an_existing_document_without_force(tmp_path: Path) -> None:
    from partnerkit.io.planfile import example_plan_path

    for name in ("strategy.md", "strategy.docx"):
        out = tmp_path / name
        out.write_text("my notes", encoding="utf-8")
        refused = invoke("report", example_plan_path(), "-o", out)
        assert refused.exit_code == 2 and "exists (it may hold edits)" in refused.output
        assert out.read_text(encoding="utf-8") == "my notes"
        assert invoke("report", example_plan_path(), "-o", out, "--force").exit_code == 0
        assert out.read_bytes() != b"my notes"
    loaded = load(example_plan_path())
    with pytest.raises(OutputExistsError):
        write_strategy(loaded, tmp_path / "strategy.md")
    assert write_strategy(loaded, tmp_path / "strategy.md", force=True).document.exists()


# --- PDF for signature ----------------------------------------------------------------------------


def test_pdf_without_libreoffice_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.io.planfile import example_plan_path

    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = invoke(
        "agreement", example_plan_path(), "--partner", "Stackpay", "-o", tmp_path / "s.docx", "--pdf"
    )
    assert result.exit_code == 2
    assert (
        "--pdf needs LibreOffice, which is not installed" in result.output
        and "apt-get install" in result.output
    )
    assert (tmp_path / "s.docx").exists() and not (tmp_path / "s.pdf").exists()
    assert INSTALL_HINT.endswith("the .docx drafts are written")


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("soffice is missing on CI; .ci/run installs it")
        pytest.skip("soffice is not installed")
    return found


@pytest.mark.libreoffice
def test_pdf_for_one_draft_and_for_a_batch_in_one_libreoffice_run(
    plan_data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _soffice()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "soffice.log"
    wrapper = bin_dir / "soffice"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    from partnerkit.loaded import LoadedPlan

    # Four partners keep the run short: one LibreOffice call whatever their number.
    for category in ("integration", "distribution"):
        plan_data["categories"][category]["partners"] = plan_data["categories"][category]["partners"][:2]
    loaded = LoadedPlan.of(plan_of(plan_data))
    single = draft_agreement(loaded, "Northwind ERP", tmp_path / "one" / "northwind.docx", pdf=True)
    assert single.draft is not None and single.draft.pdf == tmp_path / "one" / "northwind.pdf"
    batch = draft_agreements(loaded, tmp_path / "all", pdf=True)
    assert len(batch.written) == 4 and all(d.pdf is not None and d.pdf.exists() for d in batch.written)
    assert log.read_text(encoding="utf-8").count("run") == 2  # the single draft, then the whole batch
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == sorted(
        [*(d.path.name for d in batch.written), *(d.pdf.name for d in batch.written if d.pdf)]
    )  # no LibreOffice leftovers
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        import subprocess

        text = subprocess.run([pdftotext, str(single.draft.pdf), "-"], capture_output=True, check=True).stdout
        assert b"Integration Partnership Agreement" in text
