"""The Partnership Strategy in Markdown: the strategy ``Document`` written in the template's Markdown style.

Every piece of plan text reaches the page through ``text`` (table cells through ``cell``, which calls it),
so that escaping Markdown in plan text is a change to one function.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence

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
from partnerkit.report.strategy import build_strategy, roadmap
from partnerkit.roadmap import Schedule

SEPARATOR = "---"


def text(value: str) -> str:
    """A run of plain text as Markdown shows it: on one line, whitespace folded."""
    return " ".join(value.split())


def cell(value: object) -> str:
    """Text safe for a Markdown table cell: pipes escaped, line breaks folded, empty shown as '-'."""
    if value is None:
        return "-"
    return text(str(value)).replace("\\", "\\\\").replace("|", "\\|") or "-"


def _cell(value: Cell) -> str:
    if isinstance(value, Link) and value.text != value.url:
        return f"[{cell(value.text)}]({value.url})"
    # A bare web address is a link already (GitHub-flavoured Markdown's autolinks).
    return cell(value.text if isinstance(value, Link) else value)


def _line(line: Line) -> str:
    if isinstance(line, str):
        return text(line)
    label = f"**{text(line.label)}**" if line.strong else text(line.label)
    return f"{label}: {text(line.value)}" if line.value else f"{label}:"


def _label(label: str) -> str:
    return f"**{text(label)}**:"


def _bullets(block: Bullets) -> list[str]:
    out = [_label(block.label)] if block.label is not None else []
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}. " if block.numbered else "- "
        out.append(marker + _line(item.line))
        out += [" " * len(marker) + "- " + _line(sub) for sub in item.items]
    return out


def table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[str]:
    """A Markdown table in the template's style."""
    lines = [
        "| " + " | ".join(text(h) for h in headers) + " |",
        "|" + "|".join("-" * (len(h) + 2) for h in headers) + "|",
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _image(image: str | os.PathLike[str] | bytes) -> str:
    if isinstance(image, bytes):
        return "data:image/png;base64," + base64.b64encode(image).decode("ascii")
    return os.fspath(image)


def block_lines(block: Block) -> list[str]:
    """One block of a section as Markdown lines."""
    if isinstance(block, Paragraph):
        return [f"*{text(block.text)}*" if block.note else text(block.text)]
    if isinstance(block, LabelledLine):
        return [_line(block)]
    if isinstance(block, Bullets):
        return _bullets(block)
    if isinstance(block, Table):
        label = [_label(block.label), ""] if block.label is not None else []
        return [*label, *table(block.headers, block.rows)]
    assert isinstance(block, Figure)
    return [f"![{text(block.caption)}]({_image(block.image)})"]


def section_lines(section: Section, depth: int = 0) -> list[str]:
    """A section as Markdown lines: its heading (## for a top-level section), blocks and subsections.

    A rule (---) separates a subsection from the one before it, as the template separates them.
    """
    out = ["#" * (depth + 2) + " " + text(section.title)]
    for block in section.blocks:
        out += ["", *block_lines(block)]
    for number, sub in enumerate(section.sections):
        out += ["", SEPARATOR, ""] if number else [""]
        out += section_lines(sub, depth + 1)
    return out


def render(document: Document) -> str:
    """A whole document as Markdown: title, details, the sections between rules, the closing lines."""
    out = ["# " + text(document.title), "", *[_line(line) for line in document.details]]
    for section in document.sections:
        out += ["", SEPARATOR, "", *section_lines(section)]
    if document.colophon:
        out += ["", SEPARATOR, "", *[f"*{text(line)}*" for line in document.colophon]]
    return "\n".join([*out, ""])


def render_markdown(plan: Plan, *, roadmap_chart: str | None = None) -> str:
    """The whole Partnership Strategy as Markdown, in the template's order, with the grounding footer.

    ``roadmap_chart`` is the path of a Gantt image to show in the roadmap section (e.g. roadmap.png).
    """
    return render(build_strategy(plan, roadmap_chart=roadmap_chart))


def roadmap_lines(plan: Plan, schedule: Schedule | None = None, *, chart: str | None = None) -> list[str]:
    """The prioritized roadmap section alone, as Markdown lines: a table and targets per quarter.

    ``schedule`` as in ``build_strategy`` (the scheduler's when not given, else the planned weeks);
    ``chart`` is an image to show first.
    """
    return section_lines(roadmap(plan, schedule, chart=chart))
