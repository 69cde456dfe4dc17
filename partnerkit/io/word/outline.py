"""A Word document's outline: paragraph styles and text, table rows, headers and footers, as plain data.

Documents are compared by outline, never by bytes (the docxcompose test pattern): the outline is what
a reader sees, and it stays stable when python-docx or Word changes the XML around it.
"""

from __future__ import annotations

import os
from io import BytesIO
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(element: Any) -> str:
    out = []
    skipped: set[Any] = set()
    in_result = False  # between a complex field's "separate" and "end": Word's cached result
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}fldSimple":
            # Name the field rather than its cached result, which only Word computes.
            instr = (node.get(f"{_W}instr") or "").split()
            out.append("{" + (instr[0] if instr else "") + "}")
            skipped.update(node.iter(f"{_W}t"))
        elif tag == f"{_W}fldChar":
            kind = node.get(f"{_W}fldCharType")
            in_result = kind == "separate"
        elif tag == f"{_W}instrText":
            instr = (node.text or "").split()
            out.append("{" + (instr[0] if instr else "") + "}")
        elif tag == f"{_W}t" and node not in skipped and not in_result:
            out.append(node.text or "")
        elif tag in (f"{_W}tab", f"{_W}br") and not in_result:
            out.append(" ")
    return "".join(out)


def _block_lines(parent: Any, styles: dict[str, str]) -> list[str]:
    lines = []
    for child in parent:
        if child.tag == f"{_W}p":
            style_el = child.find(f"{_W}pPr/{_W}pStyle")
            style_id = style_el.get(f"{_W}val") if style_el is not None else "Normal"
            style = styles.get(style_id, style_id)
            text = _text(child)
            if text.strip() or child.find(f".//{_W}br[@{_W}type='page']") is None:
                lines.append(f"[{style}] {text}" if text else f"[{style}]")
        elif child.tag == f"{_W}tbl":
            lines.append("<table>")
            for row in child.iter(f"{_W}tr"):
                cells = [_text(tc).strip() for tc in row.findall(f"{_W}tc")]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("</table>")
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                lines += _block_lines(content, styles)
    return lines


def outline(source: str | os.PathLike[str] | bytes) -> list[str]:
    """The outline of a .docx file (a path or its bytes), one line per paragraph or table row."""
    from docx import Document

    document = Document(BytesIO(source) if isinstance(source, bytes) else os.fspath(source))
    styles = {s.style_id: s.name for s in document.styles}
    lines = []
    for number, section in enumerate(document.sections, start=1):
        for label, part in (("header", section.header), ("footer", section.footer)):
            if not part.is_linked_to_previous or number == 1:
                for line in _block_lines(part._element, styles):
                    lines.append(f"{label}: {line}")
    lines += _block_lines(document.element.body, styles)
    return lines


def body_text(source: str | os.PathLike[str] | bytes) -> str:
    """All the visible text of a document, headers and footers included, one line per outline entry."""
    return "\n".join(outline(source))
