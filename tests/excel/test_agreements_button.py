"""The Generate agreements button: legal's templates from the plan, and never an edited draft overwritten."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from partnerkit.excel import actions as bridge
from partnerkit.io.word.outline import outline
from partnerkit.io.workbook import layout as L
from partnerkit.model import Plan
from partnerkit.model.documents import AgreementTemplates, DocumentSettings

MARK = "Legal's edition for the workbook."


def legal_template(path: Path) -> None:
    """The shipped reseller template with one sentence added by legal (through python-docx, as Word would)."""
    from docx import Document

    from partnerkit.io.word.agreement import template_path

    document = Document(str(template_path("reseller")))
    training = next(p for p in document.paragraphs if p.style.name == "Heading 1" and p.text == "Training")
    training._p.addnext(document.add_paragraph(MARK, style="Clause")._p)
    document.save(str(path))


def _written(book: Any, sheet: str) -> list[list[Any]]:
    index = [s.name for s in book.sheets].index(sheet)
    writes = [a for a in book.json()["actions"] if a["func"] == "setValues" and a["sheet_position"] == index]
    return writes[-1]["values"] if writes else []


def test_the_button_uses_legal_templates_and_keeps_an_edited_draft(
    open_book: Any, example: Plan, tmp_path: Path
) -> None:
    (tmp_path / "legal").mkdir()
    legal_template(tmp_path / "legal" / "reseller.docx")
    plan = example.model_copy(
        update={"documents": DocumentSettings(templates=AgreementTemplates(reseller="legal/reseller.docx"))}
    )
    book = open_book(plan, active_sheet="Agreements")
    paths = bridge.generate_agreements(book)
    assert len(paths) == 18
    for path in paths:
        text = "\n".join(outline(tmp_path / path))
        assert (MARK in text) == ("Reseller Partnership Agreement" in text), path.name

    # A second click replaces the button's own drafts; a draft someone edited since is kept.
    keystone = next(tmp_path / p for p in paths if p.name == "Keystone-IT-Partners.docx")
    keystone.write_bytes(keystone.read_bytes() + b"edited")
    book = open_book(plan, active_sheet="Agreements")
    again = bridge.generate_agreements(book)
    assert len(again) == 17 and keystone.read_bytes().endswith(b"edited")
    problems = _written(book, L.PROBLEMS)
    assert any(
        "no agreement draft for Keystone IT Partners" in row[4]
        and "edited after partnerkit wrote it" in row[4]
        for row in problems
    )
