"""A Word document's body read as paragraphs: style, numbering, text, and the table cell each sits in.

The reference check reads a template this way, and ``agreement compare`` reads a returned draft this
way. Text is what a reader sees: deleted tracked changes are left out, inserted ones kept, a tab or a
line break is a space, and field instructions are skipped (their shown result is kept).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from partnerkit.io.ooxml.xml import parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """A tag or attribute in the WordprocessingML main namespace."""
    return f"{{{W_NS}}}{tag}"


_P, _T, _TBL, _TR, _TC, _SDT = w("p"), w("t"), w("tbl"), w("tr"), w("tc"), w("sdt")
_SPACE = {w("tab"), w("br"), w("cr")}
_SKIP = {w("instrText"), w("delText"), w("del"), w("pPr"), w("rPr"), w("fldData"), w("txbxContent")}


@dataclass
class Styles:
    """Paragraph styles by id: their names, and whether Word numbers them (through the style's list)."""

    names: dict[str, str] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    num_ids: dict[str, str] = field(default_factory=dict)
    keep_next: dict[str, bool] = field(default_factory=dict)

    def name(self, style_id: str) -> str:
        """The style's name as Word shows it (``Heading 1``), or its id when styles.xml does not say."""
        return self.names.get(style_id, style_id)

    def is_heading(self, style_id: str, level: int = 1) -> bool:
        """True for a heading style of ``level`` (``Heading 1``, whatever the file calls its id)."""
        name = self.name(style_id).casefold().replace(" ", "")
        return name == f"heading{level}" or style_id.casefold() == f"heading{level}"

    def num_id(self, style_id: str) -> str | None:
        """The list a style numbers its paragraphs with, following ``basedOn``; None when unnumbered."""
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen:
            seen.add(current)
            if current in self.num_ids:
                value = self.num_ids[current]
                return None if value == "0" else value
            current = self.based_on.get(current)
        return None

    def keeps_with_next(self, style_id: str) -> bool:
        """True when the style keeps its paragraphs with the next one (directly or through ``basedOn``)."""
        seen: set[str] = set()
        current: str | None = style_id
        while current and current not in seen:
            seen.add(current)
            if current in self.keep_next:
                return self.keep_next[current]
            current = self.based_on.get(current)
        return False


def read_styles(xml: bytes | None) -> Styles:
    """The paragraph styles of ``word/styles.xml`` (empty when the document has none)."""
    styles = Styles()
    if not xml:
        return styles
    root = parse_xml(xml, "word/styles.xml").getroot()
    for style in root.iter(w("style")):
        if style.get(w("type")) not in (None, "paragraph"):
            continue
        sid = style.get(w("styleId")) or ""
        name = style.find(w("name"))
        if name is not None:
            styles.names[sid] = name.get(w("val")) or sid
        based = style.find(w("basedOn"))
        if based is not None:
            styles.based_on[sid] = based.get(w("val")) or ""
        num = style.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
        if num is not None:
            styles.num_ids[sid] = num.get(w("val")) or "0"
        keep = style.find(f"{w('pPr')}/{w('keepNext')}")
        if keep is not None:
            styles.keep_next[sid] = keep.get(w("val"), "true") not in ("0", "false", "off")
    return styles


@dataclass
class Paragraph:
    """One paragraph of the body: its position, style, numbering, text and place in a table."""

    element: Any
    index: int
    style: str
    text: str
    num_id: str | None
    direct_numbering: bool
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    @property
    def numbered(self) -> bool:
        """True when Word puts a list number in front of the paragraph."""
        return self.num_id is not None


def text_of(element: Any) -> str:
    """The visible text of a paragraph (or a run, a cell): deletions out, tabs and breaks as spaces."""
    out: list[str] = []
    _collect(element, out)
    return "".join(out)


def _collect(element: Any, out: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag in _SPACE:
            out.append(" ")
        elif tag == w("noBreakHyphen"):
            out.append("-")
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        else:
            _collect(child, out)


def _numbering(p: Any, styles: Styles, style_id: str) -> tuple[str | None, bool]:
    num = p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    if num is not None:
        value = num.get(w("val")) or "0"
        return (None if value == "0" else value), True
    return styles.num_id(style_id), False


def _style_of(p: Any) -> str:
    found = p.find(f"{w('pPr')}/{w('pStyle')}")
    return (found.get(w("val")) or "Normal") if found is not None else "Normal"


def _blocks(parent: Any) -> Iterator[Any]:
    """The paragraphs and tables of a body or a cell, looking through content controls."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _blocks(content)


def body_paragraphs(xml: bytes, styles: Styles, part: str = "word/document.xml") -> list[Paragraph]:
    """Every paragraph of the document's body in order, table cells included (numbered from 1)."""
    root = parse_xml(xml, part).getroot()
    body = root.find(w("body"))
    found: list[Paragraph] = []
    if body is None:
        return found
    tables = 0

    def add(p: Any, table: int | None, row: int | None, cell: int | None) -> None:
        style = _style_of(p)
        num_id, direct = _numbering(p, styles, style)
        found.append(Paragraph(p, len(found) + 1, style, text_of(p), num_id, direct, table, row, cell))

    def walk(parent: Any, table: int | None, row: int | None, cell: int | None) -> None:
        nonlocal tables
        for block in _blocks(parent):
            if block.tag == _P:
                add(block, table, row, cell)
                continue
            tables += 1
            number = tables if table is None else table
            for r, tr in enumerate(block.iter(_TR)):
                if tr.getparent() is not block:
                    continue
                for c, tc in enumerate(tr.findall(_TC)):
                    walk(tc, number, r, c)

    walk(body, None, None, None)
    return found


def raw_paragraph_texts(xml: bytes, part: str) -> list[str]:
    """The text of every paragraph of a part in document order, as Word shows it (tags included)."""
    return [text for text, _ in raw_paragraphs(xml, part)]


_BLOCK_TAG = re.compile(r"\{[%{#]-?\s*(p|tr|tc)\s")


def raw_paragraphs(xml: bytes, part: str) -> list[tuple[str, bool]]:
    """Every paragraph of a template part with its text, and whether it stays a paragraph once compiled.

    docxtpl replaces a paragraph holding a ``{%p %}`` tag, a row holding ``{%tr %}`` and a cell
    holding ``{%tc %}`` by the tag alone: those paragraphs are not in the compiled source.
    """
    root = parse_xml(xml, part).getroot()
    gone: set[Any] = set()
    for kind, container in (("tr", _TR), ("tc", _TC)):
        for element in root.iter(container):
            if any(m.group(1) == kind for m in _BLOCK_TAG.finditer(text_of(element))):
                gone.update(element.iter(_P))
    out = []
    for p in root.iter(_P):
        text = text_of(p)
        stays = p not in gone and not any(m.group(1) == "p" for m in _BLOCK_TAG.finditer(text))
        out.append((text, stays))
    return out
