"""The Partnership Strategy as a Word document: the strategy ``Document`` as real headings, lists and tables.

The content comes from ``partnerkit.report.strategy`` (the same document the Markdown shows); this module
only decides how it looks in Word: a title page with the table of contents, heading styles, list styles,
tables sized to their text, the Gantt chart, linked sources, a running header and a footer with the page.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from partnerkit.io.word import oxml
from partnerkit.io.word.text import clean_text
from partnerkit.model import Plan
from partnerkit.report.document import (
    Block,
    Bullets,
    Cell,
    Document,
    Figure,
    LabelledLine,
    Line,
    Link,
    Paragraph,
    Section,
    Table,
)
from partnerkit.report.strategy import ProgramActuals, build_strategy
from partnerkit.roadmap.schedule import Schedule

Chart = str | os.PathLike[str] | bytes


def _t(value: object) -> str:
    """Plan text as a document may hold it (no control characters), '-' when empty."""
    if value is None:
        return "-"
    return clean_text(" ".join(str(value).split()))[0] or "-"


_TEXT_WIDTH_CM = 17.0  # A4 or Letter with 2 cm margins
_FIGURE_WIDTH_CM = 16.0


def _column_widths(texts: Sequence[Sequence[str]]) -> list[float]:
    """Column widths in cm: each fits its longest word, and the rest of the page goes to long text."""
    columns = list(zip(*texts, strict=True))
    least = [
        max(1.2, 0.19 * max(len(w) for text in column for w in text.split() or [""]) + 0.4)
        for column in columns
    ]
    spare = _TEXT_WIDTH_CM - sum(least)
    if spare <= 0:
        return [_TEXT_WIDTH_CM * w / sum(least) for w in least]
    amounts = [sum(len(text) for text in column) / len(column) for column in columns]
    return [w + spare * a / (sum(amounts) or 1) for w, a in zip(least, amounts, strict=True)]


def _cell_text(value: Cell) -> str:
    return _t(value.text if isinstance(value, Link) else value)


class _Renderer:
    """Writes the blocks of a ``Document`` into a python-docx document, one method per kind of block."""

    def __init__(self) -> None:
        from docx import Document as new_document
        from docx.shared import Cm

        self.doc = new_document()
        for section in self.doc.sections:
            section.left_margin = section.right_margin = Cm(2)

    def line(self, paragraph: Any, line: Line) -> Any:
        """The runs of one line: a bold label then its value, or plain text."""
        if isinstance(line, str):
            paragraph.add_run(_t(line))
        elif line.strong:
            paragraph.add_run(f"{_t(line.label)}: " if line.value else f"{_t(line.label)}:").bold = True
            if line.value:
                paragraph.add_run(_t(line.value))
        else:
            paragraph.add_run(f"{_t(line.label)}: {_t(line.value)}" if line.value else f"{_t(line.label)}:")
        return paragraph

    def label(self, label: str) -> None:
        self.line(self.doc.add_paragraph(), LabelledLine(label))

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.doc.add_paragraph()
        if block.text:
            paragraph.add_run(_t(block.text)).italic = block.note or None

    def bullets(self, block: Bullets) -> None:
        if block.label is not None:
            self.label(block.label)
        style = "List Number" if block.numbered else "List Bullet"
        entries = []
        for item in block.items:
            entries.append(self.line(self.doc.add_paragraph(style=style), item.line))
            for sub in item.items:
                self.line(self.doc.add_paragraph(style="List Bullet 2"), sub)
        if block.numbered and entries:
            oxml.number_as_new_list(entries)

    def table(self, block: Table) -> None:
        """A real Word table: a header row that repeats on each page, 9-point text, sized columns."""
        from docx.shared import Cm, Pt

        if block.label is not None:
            self.label(block.label)
        texts = [[_t(h) for h in block.headers], *[[_cell_text(v) for v in row] for row in block.rows]]
        table = self.doc.add_table(rows=len(texts), cols=len(block.headers))
        table.style = self.doc.styles["Light Grid Accent 1"]
        table.autofit = False
        oxml.repeat_as_header_row(table.rows[0])
        for row, shown in zip(table.rows, texts, strict=True):
            for cell, value in zip(row.cells, shown, strict=True):
                cell.text = value
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
        for column, width in zip(table.columns, _column_widths(texts), strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
        for row, cells in zip(table.rows[1:], block.rows, strict=True):
            for cell, held in zip(row.cells, cells, strict=True):
                if isinstance(held, Link) and held.url.startswith(("https://", "http://")):
                    oxml.add_hyperlink(cell.paragraphs[0], held.url, _t(held.text))
        self.doc.add_paragraph()

    def figure(self, block: Figure) -> None:
        from docx.shared import Cm

        image = block.image
        self.doc.add_picture(
            BytesIO(image) if isinstance(image, bytes) else os.fspath(image), width=Cm(_FIGURE_WIDTH_CM)
        )
        self.doc.add_paragraph(_t(block.caption), style="Caption")

    def block(self, block: Block) -> None:
        """One block of a section."""
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, LabelledLine):
            self.line(self.doc.add_paragraph(), block)
        elif isinstance(block, Bullets):
            self.bullets(block)
        elif isinstance(block, Table):
            self.table(block)
        else:
            self.figure(block)

    def section(self, section: Section, level: int = 1) -> Any:
        """A section: its heading (Heading 1 for a top-level section), its blocks and subsections."""
        heading = self.doc.add_heading(_t(section.title), level=level)
        for block in section.blocks:
            self.block(block)
        for sub in section.sections:
            self.section(sub, level + 1)
        return heading

    def table_of_contents(self, anchor: Any) -> None:
        """A TOC field after ``anchor`` that already lists the headings, for readers that do not update it."""
        from docx.shared import Cm

        entries = [
            (p.style.name, p.text)
            for p in self.doc.paragraphs
            if p.style is not None and p.style.name in ("Heading 1", "Heading 2")
        ]
        paragraphs = []
        previous = anchor
        for style, _ in entries or [("Heading 1", "")]:
            paragraph = self.doc.add_paragraph()
            previous._p.addnext(paragraph._p)  # move it right after the previous entry
            if style == "Heading 2":
                paragraph.paragraph_format.left_indent = Cm(0.6)
            paragraph.paragraph_format.space_after = Cm(0)
            paragraphs.append(paragraph)
            previous = paragraph
        results = [text for _, text in entries] or ["Update this field to build the table of contents."]
        oxml.add_field(paragraphs, 'TOC \\o "1-2" \\h \\z \\u', results)


def render_docx(document: Document) -> Any:
    """``document`` as a python-docx Document: title page and contents, sections, closing lines, footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    w = _Renderer()
    doc = w.doc
    doc.core_properties.title = _t(document.name or document.title)
    doc.core_properties.author = _t(document.author)
    if document.running_header:
        header = doc.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        header.add_run(_t(document.running_header))

    doc.add_paragraph(_t(document.title), style="Title")
    for line in document.details:
        w.line(doc.add_paragraph(), line)
    contents = doc.add_paragraph("Contents", style="TOC Heading")
    for number, section in enumerate(document.sections):
        heading = w.section(section)
        if number == 0:
            heading.paragraph_format.page_break_before = True  # cover and contents on a page of their own
    for closing in document.colophon:
        doc.add_paragraph(_t(closing), style="Caption")

    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run((_t(document.running_footer) + " " if document.running_footer else "") + "Page ")
    oxml.add_field([footer], "PAGE", ["1"])
    w.table_of_contents(contents)
    oxml.update_fields_on_open(doc)
    return doc


def build_strategy_document(
    plan: Plan,
    *,
    schedule: Schedule | None = None,
    chart: Chart | None = None,
    actuals: ProgramActuals | None = None,
    actuals_chart: Chart | None = None,
) -> Any:
    """The strategy as a python-docx Document (see ``write_strategy_docx``)."""
    return render_docx(
        build_strategy(plan, schedule, roadmap_chart=chart, actuals=actuals, actuals_chart=actuals_chart)
    )


def write_strategy_docx(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    schedule: Schedule | None = None,
    chart: Chart | None = None,
    actuals: ProgramActuals | None = None,
    actuals_chart: Chart | None = None,
) -> Path:
    """Write the Partnership Strategy to ``path`` as a Word document; returns the path.

    ``schedule`` is the scheduled roadmap (``schedule_roadmap(plan)`` when not given; the planned weeks
    when the roadmap cannot be scheduled) and ``chart`` the roadmap's Gantt chart (a path or PNG bytes);
    ``actuals`` adds the Actuals section with ``actuals_chart`` (see ``build_strategy``).
    """
    from partnerkit.io.files import write_bytes_atomic

    buffer = BytesIO()
    build_strategy_document(
        plan, schedule=schedule, chart=chart, actuals=actuals, actuals_chart=actuals_chart
    ).save(buffer)
    return write_bytes_atomic(Path(path), buffer.getvalue())
