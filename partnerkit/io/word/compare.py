"""A returned agreement read back from Word: its Key Terms and its sections, as ``deals.compare`` compares them.

The file may come back from Word (runs split by edits, tracked changes, bookmarks, comments) or from
LibreOffice (styles rewritten). Text is what a reader sees (``paragraphs.text_of``: tracked deletions
out, insertions in). Sections start at each Heading 1 (or at a paragraph that reads exactly like a
heading of the standard draft, in case a style was lost); the Key Terms are the two-column table
after the "Key Terms" heading, its first row being the header; every other table reads as one line
per row, its cells joined with `` | ``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from partnerkit.deals.compare import AgreementText, Section, normalise
from partnerkit.errors import UnreadableFileError
from partnerkit.io.ooxml.errors import PackageError
from partnerkit.io.ooxml.limits import TEMPLATE_LIMITS
from partnerkit.io.ooxml.package import Package
from partnerkit.io.word.paragraphs import Styles, read_styles, text_of, w

KEY_TERMS = "key terms"


def _package(source: bytes | str | os.PathLike[str], name: str) -> Package:
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise UnreadableFileError(f"cannot read {source}: {exc.strerror or exc}") from exc
    try:
        package = Package(data, TEMPLATE_LIMITS)
    except PackageError as exc:
        raise UnreadableFileError(
            f"{name} is not a Word document (.docx): the file {exc.sentence}; save it from Word as a .docx"
        ) from exc
    if not package.has("word/document.xml"):
        raise UnreadableFileError(f"{name} is not a Word document (.docx): it has no word/document.xml")
    return package


def _blocks(parent: Any) -> Iterable[Any]:
    for child in parent:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _blocks(content)


def _rows(table: Any) -> list[list[str]]:
    rows = []
    for tr in table.findall(w("tr")):
        rows.append([normalise(text_of(tc)) for tc in tr.findall(w("tc"))])
    return rows


def _is_numbered(p: Any, styles: Styles) -> bool:
    found = p.find(f"{w('pPr')}/{w('numPr')}/{w('numId')}")
    style = p.find(f"{w('pPr')}/{w('pStyle')}")
    style_id = (style.get(w("val")) or "Normal") if style is not None else "Normal"
    if found is not None:
        return (found.get(w("val")) or "0") != "0"
    return styles.num_id(style_id) is not None


def read_agreement(
    source: bytes | str | os.PathLike[str], *, headings: Iterable[str] = (), name: str | None = None
) -> AgreementText:
    """The agreement in a .docx (path or bytes) as Key Terms rows and sections.

    ``headings`` are the standard draft's headings: a paragraph that reads exactly like one starts a
    section even when its heading style was lost on the way.
    """
    from partnerkit.io.ooxml.xml import parse_xml

    shown = name or (str(source) if not isinstance(source, bytes) else "the document")
    package = _package(source, shown)
    styles = read_styles(package.read("word/styles.xml") if package.has("word/styles.xml") else None)
    root = parse_xml(package.read("word/document.xml"), "word/document.xml").getroot()
    body = root.find(w("body"))
    known = {normalise(h).casefold() for h in headings}
    sections: list[Section] = []
    key_terms: list[tuple[str, str]] = []
    heading: str = ""
    number: int | None = None
    paragraphs: list[str] = []
    clause = 0
    taken_key_terms = False

    def close() -> None:
        if heading or paragraphs:
            sections.append(Section(heading, tuple(paragraphs), number))

    for block in _blocks(body if body is not None else []):
        if block.tag == w("tbl"):
            rows = _rows(block)
            if normalise(heading).casefold() == KEY_TERMS and not taken_key_terms:
                taken_key_terms = True
                key_terms += [(r[0], r[1] if len(r) > 1 else "") for r in rows[1:] if r and r[0]]
                continue
            paragraphs += [" | ".join(r) for r in rows if any(r)]
            continue
        text = normalise(text_of(block))
        style = block.find(f"{w('pPr')}/{w('pStyle')}")
        style_id = (style.get(w("val")) or "Normal") if style is not None else "Normal"
        if text and (styles.is_heading(style_id, 1) or text.casefold() in known):
            close()
            heading, paragraphs = text, []
            if _is_numbered(block, styles):
                clause += 1
                number = clause
            else:
                number = None
            continue
        if text:
            paragraphs.append(text)
    close()
    return AgreementText(tuple(key_terms), tuple(sections))
