"""A document as plain data: sections with headings, paragraphs, labelled lines, lists, tables and figures.

The strategy is built once in these terms (``report/strategy.py``) and rendered by the Markdown and the
Word renderer. Text here is plain text, never Markdown or XML: a bold label is a ``LabelledLine``, a link
is a ``Link``, a remark set apart is a ``Paragraph`` with ``note=True``; each renderer decides how that
looks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """Text that points at a web address, such as a source's URL."""

    text: str
    url: str


Cell = str | Link


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text; a ``note`` is a remark set apart from the body (shown in italics)."""

    text: str
    note: bool = False


@dataclass(frozen=True)
class LabelledLine:
    """A label and its value on one line ("Goal: Expand reach"); ``strong`` shows the label in bold.

    A label without a value ("Strategic Goals:") introduces what follows it.
    """

    label: str
    value: str = ""
    strong: bool = True


Line = str | LabelledLine


@dataclass(frozen=True)
class ListItem:
    """One entry of a list, with the entries indented under it."""

    line: Line
    items: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Bullets:
    """A bulleted or numbered list, under its label when it has one ("Benefits:")."""

    items: tuple[ListItem, ...]
    label: str | None = None
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with its column headers, under its label when it has one ("Priority Targets:")."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    label: str | None = None


@dataclass(frozen=True)
class Figure:
    """An image with its caption: a path (Markdown links it, Word embeds it) or the image's bytes."""

    caption: str
    image: str | os.PathLike[str] | bytes


Block = Paragraph | LabelledLine | Bullets | Table | Figure


@dataclass(frozen=True)
class Section:
    """A heading with its blocks, then its subsections (their headings one level down)."""

    title: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()

    def section(self, title: str) -> Section:
        """The subsection called ``title``."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)


@dataclass(frozen=True)
class Document:
    """A whole document: its title, the details under it, its sections and the closing lines.

    ``running_header`` and ``running_footer`` are for formats with pages (the footer is followed by the
    page number); ``name`` and ``author`` are the file's properties.
    """

    title: str
    details: tuple[LabelledLine, ...]
    sections: tuple[Section, ...]
    colophon: tuple[str, ...] = ()
    running_header: str = ""
    running_footer: str = ""
    name: str = ""
    author: str = ""

    def section(self, title: str) -> Section:
        """The top-level section called ``title``."""
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)


def items(*lines: Line) -> tuple[ListItem, ...]:
    """List entries from lines, each without entries under it."""
    return tuple(ListItem(line) for line in lines)
