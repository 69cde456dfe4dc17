"""The raw WordprocessingML the strategy needs beyond python-docx's API: fields, links, numbering, headers.

Every ``OxmlElement``/``qn`` of the Word renderer lives here, the way python-docx keeps its XML in its
``oxml`` layer; ``report.py`` above it speaks only of paragraphs, tables and sections.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

HYPERLINK_COLOR = "0563C1"


def _element(tag: str, **attributes: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(name.replace("_", ":", 1)), value)
    return element


def _text_run(value: str) -> Any:
    run = _element("w:r")
    text = _element("w:t", xml_space="preserve")
    text.text = value
    run.append(text)
    return run


def add_field(paragraphs: Sequence[Any], instruction: str, results: Sequence[str]) -> None:
    """A complex field (begin, instruction, separate, result, end) that Word updates.

    The field's shown result spans ``paragraphs``, one result text in each, so a table of contents can
    list the headings already for readers that never update fields.
    """

    def char(kind: str) -> Any:
        run = _element("w:r")
        dirty = {"w_dirty": "true"} if kind == "begin" else {}
        run.append(_element("w:fldChar", w_fldCharType=kind, **dirty))
        return run

    instr_run = _element("w:r")
    instr = _element("w:instrText", xml_space="preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    first = paragraphs[0]._p
    for node in (char("begin"), instr_run, char("separate")):
        first.append(node)
    for paragraph, value in zip(paragraphs, results, strict=True):
        paragraph._p.append(_text_run(value))
    paragraphs[-1]._p.append(char("end"))


def add_hyperlink(paragraph: Any, url: str, text: str) -> None:
    """Replace the runs of ``paragraph`` with a link to the web address ``url`` showing ``text``."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = _element("w:hyperlink", r_id=rel)
    run = _element("w:r")
    props = _element("w:rPr")
    props.extend(
        [
            _element("w:rStyle", w_val="Hyperlink"),
            _element("w:color", w_val=HYPERLINK_COLOR),
            _element("w:u", w_val="single"),
        ]
    )
    run.append(props)
    node = _element("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def repeat_as_header_row(row: Any) -> None:
    """Mark a table's row as its header row, repeated at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(_element("w:tblHeader"))


def number_as_new_list(paragraphs: Sequence[Any]) -> None:
    """Number ``paragraphs`` (of one numbered-list style) 1, 2, 3... as a list of their own.

    Every paragraph of a list style shares one numbering, so without this a second numbered list
    would go on from where the first one stopped.
    """
    numbering = paragraphs[0].part.numbering_part.element
    style_num = paragraphs[0].style.element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    for paragraph in paragraphs:
        numbers = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbers.get_or_add_ilvl().val = 0
        numbers.get_or_add_numId().val = num.numId


def update_fields_on_open(document: Any) -> None:
    """Ask Word to update the fields (table of contents, page numbers) when it opens the document."""
    document.settings.element.append(_element("w:updateFields", w_val="true"))
