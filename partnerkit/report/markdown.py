"""The Partnership Strategy in Markdown: the strategy ``Document`` written in the template's Markdown style.

Every piece of plan text reaches the page through ``text`` (table cells through ``cell``, which calls it),
and ``text`` escapes it, so that any CommonMark or GitHub renderer shows plan text as typed: no HTML,
link, autolink, image, emphasis, code span, entity, heading, quote, list, rule or table comes from
it, and control characters are removed (``report/plaintext.py``; the service warns of them). Only
what could start markup is escaped, so ordinary text (``20-40%``, ``R&D``, ``partner_discount``,
``ARR < 1M``) reads the same in the file as on the page.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Sequence
from urllib.parse import quote

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
from partnerkit.report.plaintext import clean_text
from partnerkit.report.strategy import build_strategy, roadmap
from partnerkit.roadmap import Schedule

SEPARATOR = "---"


# Anywhere in a line: backslash escapes, code spans, emphasis (``*``; ``_`` but between two letters
# or digits, where it never is), GitHub's strikethrough (``~``), links and images (``[ ]``), table
# cells (``|``), raw HTML, comments and autolinks (``<`` before a letter, ``/``, ``!`` or ``?``),
# entity references (``&copy;``, ``&#60;``), GitHub's own autolinks (``http://``, ``www.``,
# ``name@host``: an escaped character breaks the pattern), and a heading's closing ``#``.
_INLINE = re.compile(
    r"[\\`*~\[\]|@]"
    r"|(?<![^\W_])_|_(?![^\W_])"
    r"|<(?=[A-Za-z/!?])"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
    r"|:(?=//)"
    r"|(?<=[Ww][Ww][Ww])\.(?=[^\s.])"
    r"|(?<=\s)#"
)
# At the start of a line (any text may land there: a paragraph, a list entry, a heading): ATX
# headings, quotes, list markers and rules, setext underlines, and ordered-list numbers.
_BLOCK_START = re.compile(r"^(?:[#>=+-]|\d{1,9}(?=[.)](?: |$)))")


def _inline(value: str) -> str:
    """Plain text on one line (whitespace folded, control characters removed), inline markup escaped."""
    folded = " ".join(clean_text(value)[0].split())
    return _INLINE.sub(lambda m: "\\" + m.group(0), folded)


def text(value: str) -> str:
    """A run of plain text as Markdown shows it: on one line, whitespace folded, control characters
    removed, and every character that could start markup escaped, so that it shows as typed."""
    escaped = _inline(value)
    start = _BLOCK_START.match(escaped)
    if start is None:
        return escaped
    if start.group(0).isdigit():  # '2026. A year' would start a numbered list: escape its dot
        return f"{escaped[: start.end()]}\\{escaped[start.end() :]}"
    return "\\" + escaped


def cell(value: object) -> str:
    """Text safe for a Markdown table cell: inline markup and pipes escaped (a cell holds no blocks),
    empty shown as '-'."""
    if value is None:
        return "-"
    return _inline(str(value)) or "-"


def destination(url: str) -> str:
    """A web address or file path as a link destination: spaces, brackets, quotes, pipes and control
    characters percent-encoded, so that nothing in it ends the link or the table cell early."""
    return quote(clean_text(url)[0].strip(), safe="/:?#@!$&'*+,;=%~-._")


def _cell(value: Cell) -> str:
    if not isinstance(value, Link):
        return cell(value)
    target = destination(value.url)
    if value.text == value.url:
        return f"<{target}>"  # an autolink: the address is the text
    return f"[{cell(value.text)}]({target})"


def _line(line: Line) -> str:
    if isinstance(line, str):
        return text(line)
    label = f"**{text(line.label)}**" if line.strong else text(line.label)
    return f"{label}: {_inline(line.value)}" if line.value else f"{label}:"


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
    return [f"![{text(block.caption)}]({destination(_image(block.image))})"]


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
