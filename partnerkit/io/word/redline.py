"""A redline: the standard draft with the returned draft's changes as tracked changes (``w:ins``/``w:del``).

Word and LibreOffice show such a document with the changes marked, and a lawyer can accept or reject
each. The body of the standard draft is lined up with the returned one paragraph by paragraph (tables
row by row, rows matched by their first cell); a paragraph that changed is compared word by word:
kept words keep the standard's formatting, deleted words are marked deleted, new words are marked
inserted with the returned draft's formatting. Paragraphs and rows only one side has are marked
inserted or deleted whole. Styles, numbering, headers and footers are the standard draft's.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import re
from collections.abc import Iterator
from typing import Any

from partnerkit.deals.compare import normalise
from partnerkit.io.ooxml.limits import TEMPLATE_LIMITS
from partnerkit.io.ooxml.package import Package, write_package
from partnerkit.io.word.paragraphs import text_of, w

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


class _Marks:
    """Tracked-change marks: each gets the next id, the author, and (when known) a date."""

    def __init__(self, author: str, date: str | None) -> None:
        self.author = author
        self.date = date
        self._ids = itertools.count(1)

    def mark(self, tag: str) -> Any:
        from lxml import etree

        element = etree.Element(w(tag))
        element.set(w("id"), str(next(self._ids)))
        element.set(w("author"), self.author)
        if self.date:
            element.set(w("date"), self.date)
        return element


def _body_blocks(root: Any) -> tuple[Any, list[Any]]:
    body = root.find(w("body"))
    blocks = [child for child in body if child.tag in (w("p"), w("tbl"))]
    return body, blocks


def _key(block: Any) -> str:
    if block.tag == w("tbl"):
        return "table:" + normalise(text_of(block))
    return "p:" + normalise(text_of(block))


def _row_key(row: Any) -> str:
    cells = row.findall(w("tc"))
    return normalise(text_of(cells[0])) if cells else ""


def _runs(paragraph: Any) -> Iterator[tuple[str, Any]]:
    """(text, run properties) of each piece of text in a paragraph, in order."""
    for run in paragraph.iter(w("r")):
        if any(ancestor.tag == w("del") for ancestor in run.iterancestors()):
            continue
        props = run.find(w("rPr"))
        for child in run:
            if child.tag == w("t"):
                yield child.text or "", props
            elif child.tag in (w("tab"), w("br"), w("cr")):
                yield " ", props


def _tokens(paragraph: Any) -> list[tuple[str, Any]]:
    out = []
    for text, props in _runs(paragraph):
        out += [(token, props) for token in _TOKEN.findall(text)]
    return out


def _run(text: str, props: Any, deleted: bool = False) -> Any:
    from lxml import etree

    run = etree.Element(w("r"))
    if props is not None:
        run.append(copy.deepcopy(props))
    node = etree.SubElement(run, w("delText" if deleted else "t"))
    node.text = text
    node.set(_XML_SPACE, "preserve")
    return run


def _clear_runs(paragraph: Any) -> None:
    for child in list(paragraph):
        if child.tag != w("pPr"):
            paragraph.remove(child)


def _mark_paragraph_mark(paragraph: Any, marks: _Marks, tag: str) -> None:
    """Mark the paragraph's own mark (its end) inserted or deleted, so the whole paragraph is tracked."""
    from lxml import etree

    props = paragraph.find(w("pPr"))
    if props is None:
        props = etree.Element(w("pPr"))
        paragraph.insert(0, props)
    run_props = props.find(w("rPr"))
    if run_props is None:
        run_props = etree.SubElement(props, w("rPr"))
    run_props.append(marks.mark(tag))


def _whole(paragraph: Any, marks: _Marks, tag: str) -> Any:
    """The paragraph with all of its text marked inserted (``ins``) or deleted (``del``)."""
    pieces = list(_runs(paragraph))
    _clear_runs(paragraph)
    wrapper = marks.mark(tag)
    for text, props in pieces:
        wrapper.append(_run(text, props, deleted=tag == "del"))
    if len(wrapper):
        paragraph.append(wrapper)
    _mark_paragraph_mark(paragraph, marks, tag)
    return paragraph


def _changed(old: Any, new: Any, marks: _Marks) -> None:
    """Rewrite ``old`` (in place) as its words, with ``new``'s differences tracked word by word."""
    before, after = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, [t for t, _ in before], [t for t, _ in after], autojunk=False)
    _clear_runs(old)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for token, props in before[i1:i2]:
                old.append(_run(token, props))
            continue
        if i2 > i1:
            wrapper = marks.mark("del")
            for token, props in before[i1:i2]:
                wrapper.append(_run(token, props, deleted=True))
            old.append(wrapper)
        if j2 > j1:
            wrapper = marks.mark("ins")
            for token, props in after[j1:j2]:
                wrapper.append(_run(token, props))
            old.append(wrapper)
    _merge_runs(old)


def _merge_runs(parent: Any) -> None:
    """Join neighbouring runs with the same formatting, so a changed paragraph is not one run per word."""
    for container in [parent, *parent.iter(w("ins"), w("del"))]:
        previous = None
        for child in list(container):
            if child.tag != w("r"):
                previous = None
                continue
            if previous is not None and _same_format(previous, child):
                old_text = previous[-1]
                new_text = child[-1]
                old_text.text = (old_text.text or "") + (new_text.text or "")
                container.remove(child)
                continue
            previous = child


def _same_format(a: Any, b: Any) -> bool:
    from lxml import etree

    pa, pb = a.find(w("rPr")), b.find(w("rPr"))
    sa = etree.tostring(pa) if pa is not None else b""
    sb = etree.tostring(pb) if pb is not None else b""
    return sa == sb and a[-1].tag == b[-1].tag


def _whole_table(table: Any, marks: _Marks, tag: str) -> Any:
    for row in table.findall(w("tr")):
        _whole_row(row, marks, tag)
    return table


def _whole_row(row: Any, marks: _Marks, tag: str) -> None:
    from lxml import etree

    props = row.find(w("trPr"))
    if props is None:
        props = etree.Element(w("trPr"))
        row.insert(0, props)
    props.append(marks.mark(tag))
    for paragraph in row.iter(w("p")):
        _whole(paragraph, marks, tag)


def _cell_paragraphs(cell: Any) -> list[Any]:
    return [child for child in cell if child.tag == w("p")]


def _changed_table(old: Any, new: Any, marks: _Marks) -> None:
    old_rows, new_rows = old.findall(w("tr")), new.findall(w("tr"))
    matcher = difflib.SequenceMatcher(
        None, [_row_key(r) for r in old_rows], [_row_key(r) for r in new_rows], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                _changed_row(a, b, marks)
            continue
        anchor = old_rows[i2 - 1] if i2 > i1 else (old_rows[i1 - 1] if i1 > 0 else None)
        for row in old_rows[i1:i2]:
            _whole_row(row, marks, "del")
        inserted = [copy.deepcopy(r) for r in new_rows[j1:j2]]
        for row in inserted:
            _whole_row(row, marks, "ins")
        if anchor is None:
            position = list(old).index(old_rows[0]) if old_rows else len(old)
            for offset, row in enumerate(inserted):
                old.insert(position + offset, row)
        else:
            for row in reversed(inserted):
                anchor.addnext(row)


def _changed_row(old: Any, new: Any, marks: _Marks) -> None:
    for a, b in zip(old.findall(w("tc")), new.findall(w("tc")), strict=False):
        _changed_blocks(a, _cell_paragraphs(a), _cell_paragraphs(b), marks)


def _changed_blocks(parent: Any, old: list[Any], new: list[Any], marks: _Marks) -> None:
    """Line up two lists of blocks (paragraphs, tables) and track every difference in ``parent``."""
    matcher = difflib.SequenceMatcher(None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for a, b in zip(olds[:paired], news[:paired], strict=True):
            if a.tag == b.tag == w("p"):
                _changed(a, b, marks)
            elif a.tag == b.tag == w("tbl"):
                _changed_table(a, b, marks)
            else:
                _whole_table(a, marks, "del") if a.tag == w("tbl") else _whole(a, marks, "del")
                a.addnext(_inserted(b, marks))
        for a in olds[paired:]:
            _whole_table(a, marks, "del") if a.tag == w("tbl") else _whole(a, marks, "del")
        anchor = olds[-1] if olds else (old[i1 - 1] if i1 > 0 else None)
        for b in reversed(news[paired:]):
            block = _inserted(b, marks)
            if anchor is not None:
                anchor.addnext(block)
            else:
                first = next((c for c in parent if c.tag in (w("p"), w("tbl"), w("sectPr"))), None)
                if first is not None:
                    first.addprevious(block)
                else:
                    parent.append(block)


def _inserted(block: Any, marks: _Marks) -> Any:
    copied = copy.deepcopy(block)
    if copied.tag == w("tbl"):
        return _whole_table(copied, marks, "ins")
    return _whole(copied, marks, "ins")


def redline(standard: bytes, returned: bytes, *, author: str, date: str | None = None) -> bytes:
    """The standard draft (.docx bytes) with the returned draft's changes as tracked changes."""
    from lxml import etree

    from partnerkit.io.ooxml.xml import parse_xml

    package = Package(standard, TEMPLATE_LIMITS)
    other = Package(returned, TEMPLATE_LIMITS)
    root = parse_xml(package.read("word/document.xml"), "word/document.xml").getroot()
    new_root = parse_xml(other.read("word/document.xml"), "word/document.xml").getroot()
    body, old_blocks = _body_blocks(root)
    _, new_blocks = _body_blocks(new_root)
    _changed_blocks(body, old_blocks, new_blocks, _Marks(author, date))
    xml = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)
    return write_package(package, {"word/document.xml": xml}, fixed_timestamps=True)
