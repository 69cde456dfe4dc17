"""References that resolve: every clause, schedule and defined term a template refers to exists, and is used.

The conventions (docs/word.md explains them to legal):

* a clause is referred to as ``Clause N (Heading)``: the heading names the clause, the number is
  written by partnerkit in each draft (clauses left out of a draft close up the numbering);
* a schedule is referred to as ``Schedule N`` or ``Schedule N (Title)`` and is a heading that starts
  ``Schedule N``;
* a defined term is defined in curly quotes, ``“Business Day” means ...`` at the start of a paragraph
  or ``(the “Wind-down Period”)`` in the text; the labels of the Key Terms are defined terms too.

The template is read once, as Word wrote it, with the condition of every paragraph (the
``{%p if %}`` tags around it). A reference is sound when, whatever the partner's flags, its clause is
in the draft whenever the paragraph that refers to it is (``conditions.Conditions``). Each draft then
gets the clause numbers its own clauses add up to, without the document being read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from partnerkit.io.word.conditions import Conditions
from partnerkit.io.word.paragraphs import Paragraph, Styles, body_paragraphs, w

ERROR, WARNING = "error", "warning"

CLAUSE_REFERENCE = re.compile(r"\b[Cc]lause\s+(\d+)((?:\.\d+)*)(?:\s*\(([^()]{1,120})\))?")
SCHEDULE_REFERENCE = re.compile(r"\bSchedule\s+(\d+)(?:\s*\(([^()]{1,120})\))?")
_MEANS = re.compile(r"^\W*[“\"]([^”\"]{1,80})[”\"]\s+(?:means|has the meaning|includes)\b")
_PARENS = re.compile(r"\(([^()]*)\)")
_QUOTED = re.compile(r"[“\"]([^”\"]{1,80})[”\"]")
_TAG_PARAGRAPH = re.compile(r"^\s*\{%-?\s*(?:p|tr|tc)\s+(\w+)\s*(.*?)\s*-?%\}\s*$", re.S)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CAPITAL = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*")
_TYPED_NUMBER = re.compile(r"^\s*(\d+)\.?\s+(\S.*)$")
_SENTENCE_END = re.compile(r"(^|[.!?:])[\s“\"(]*$")
# Capitalised words that are not defined terms.
_PLAIN_CAPITALS = frozenset(
    {"Clause", "Clauses", "Schedule", "Schedules", "I"}
    | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    | {"January", "February", "March", "April", "May", "June", "July", "August", "September"}
    | {"October", "November", "December"}
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def heading_name(text: str) -> str:
    """A heading or a reference's heading as compared: no typed number, case and spacing folded."""
    typed = _TYPED_NUMBER.match(text)
    name = typed.group(2) if typed else text
    return " ".join(name.translate(_QUOTES).split()).casefold()


def _tag_code(text: str) -> str:
    """A template tag's code with Word's curly quotes made straight, as docxtpl does before Jinja reads it."""
    return text.translate(_QUOTES)


@dataclass(frozen=True)
class Finding:
    """One thing the reference check found: an error stops drafting, a warning is worth a look."""

    severity: str
    message: str

    @property
    def is_error(self) -> bool:
        """True when a draft from this template would refer to something it does not contain."""
        return self.severity == ERROR


@dataclass
class Heading:
    """A numbered clause heading of the template, with the conditions under which a draft has it."""

    paragraph: int
    text: str
    conditions: tuple[str, ...]
    number: int  # its number in the template, every conditional clause included


@dataclass
class Reference:
    """``Clause N (Heading)`` in a paragraph: the clause it names, and where its number is written."""

    paragraph: int
    written: str
    name: str | None
    target: int | None  # index into the template's headings
    conditions: tuple[str, ...]


@dataclass
class TemplateReferences:
    """What the reference check learnt about a template: its clauses, references, terms and findings."""

    headings: list[Heading] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    label_uses: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop drafting."""
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        """The findings worth a look."""
        return [f for f in self.findings if not f.is_error]


@dataclass
class _Para:
    source: Paragraph
    text: str  # tags taken out, values as "value"
    conditions: tuple[str, ...]
    clause: str  # "Clause 16 (Limitation of Liability)" or "the cover page"


def _where(para: _Para) -> str:
    words = " ".join(para.text.split())
    opening = words[:50].rstrip() + ("…" if len(words) > 50 else "")
    return f"paragraph {para.source.index} (in {para.clause}: “{opening}”)"


def _frames(
    paragraphs: Sequence[Paragraph], findings: list[Finding]
) -> list[tuple[tuple[str, ...], bool] | None]:
    """Each paragraph's conditions and whether a loop repeats it (None for a tag paragraph)."""
    stack: list[str] = []
    chains: list[list[str] | None] = []  # the conditions of an if/elif chain; None for a loop
    out: list[tuple[tuple[str, ...], bool] | None] = []
    for paragraph in paragraphs:
        found = _TAG_PARAGRAPH.match(paragraph.text)
        if not found:
            out.append((tuple(stack), any(chain is None for chain in chains)))
            continue
        out.append(None)
        word, rest = found.group(1), _tag_code(found.group(2))
        if word == "if":
            stack.append(f"({rest})")
            chains.append([rest])
        elif word in ("elif", "else") and chains and chains[-1] is not None:
            earlier = chains[-1]
            negated = " and ".join(f"not ({c})" for c in earlier)
            stack[-1] = f"{negated} and ({rest})" if word == "elif" else negated
            if word == "elif":
                earlier.append(rest)
        elif word == "for":
            # The loop's body is in a draft when the list it runs over is not empty.
            iterable = re.split(r"\s+(?:if|recursive)\b", re.sub(r"^.*?\bin\s+", "", rest))[0]
            stack.append(f"({iterable})")
            chains.append(None)
        elif word in ("endif", "endfor") and stack:
            stack.pop()
            chains.pop()
    if stack:
        findings.append(Finding(ERROR, "a {%p if %} or {%p for %} tag is never closed"))
    return out


def _analysis_text(text: str) -> str:
    # A value stands in for each variable, so that sentences still read as sentences.
    return _JINJA.sub(lambda m: "value" if m.group(0).startswith("{{") else "", text).translate(_QUOTES)


def _definitions(text: str) -> list[str]:
    found = []
    means = _MEANS.match(text)
    if means:
        found.append(means.group(1).strip())
    for group in _PARENS.findall(text):
        found += [q.strip() for q in _QUOTED.findall(group)]
    return found


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({t.translate(_QUOTES) for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return None
    alternatives = "|".join(re.escape(t) for t in ordered)
    return re.compile(rf"(?<![\w'-])({alternatives})(?:'s|s)?(?![\w-])")


def analyse(
    xml: bytes,
    styles: Styles,
    conditions: Conditions,
    *,
    labels: Sequence[tuple[str, str | None]] = (),
    data_terms: Sequence[str] = (),
) -> TemplateReferences:
    """Check the references of a template's ``word/document.xml``.

    ``labels`` are the Key Terms' labels of the agreement with the flag each row depends on (defined
    terms every clause may use); ``data_terms`` are terms the template defines from data (an older
    template's ``{%p for item in definitions %}`` loop).
    """
    report = TemplateReferences()
    paragraphs = body_paragraphs(xml, styles)
    frames = _frames(paragraphs, report.findings)
    paras: list[_Para] = []
    headings: list[Heading] = []
    schedules: dict[str, tuple[str, tuple[str, ...]]] = {}
    clause = "the cover page"
    numbered_list: str | None = None
    for paragraph, framed in zip(paragraphs, frames, strict=True):
        if framed is None:
            continue
        frame, repeated = framed
        text = _analysis_text(paragraph.text)
        if styles.is_heading(paragraph.style, 1) and paragraph.table is None and text.strip():
            typed = _TYPED_NUMBER.match(text)
            if text.strip().startswith("Schedule"):
                number = text.split()[1].rstrip(":.") if len(text.split()) > 1 else ""
                schedules[number] = (text, frame)
                clause = text.strip()
            elif paragraph.numbered or typed:
                if typed and not paragraph.numbered:
                    report.findings.append(
                        Finding(
                            ERROR,
                            f"the heading “{text.strip()}” (paragraph {paragraph.index}) has its number typed "
                            "in: use the Heading 1 style's automatic numbering, so that numbers close up "
                            "when a draft leaves a clause out",
                        )
                    )
                if paragraph.numbered:
                    if numbered_list is None:
                        numbered_list = paragraph.num_id
                    elif paragraph.num_id != numbered_list:
                        report.findings.append(
                            Finding(
                                ERROR,
                                f"clause numbering restarts at “{text.strip()}” (paragraph {paragraph.index}): "
                                "every clause heading must use the same numbering (Heading 1's)",
                            )
                        )
                if repeated:
                    report.findings.append(
                        Finding(
                            ERROR,
                            f"the clause heading “{text.strip()}” (paragraph {paragraph.index}) is inside a "
                            "repeated block ({%p for %}); clause headings cannot repeat",
                        )
                    )
                headings.append(Heading(paragraph.index, text.strip(), frame, len(headings) + 1))
                clause = f"Clause {len(headings)} ({_name(text)})"
            else:
                clause = text.strip()
            continue
        paras.append(_Para(paragraph, text, frame, clause))

    report.headings = headings
    by_name: dict[str, int] = {}
    for index, heading in enumerate(headings):
        by_name.setdefault(heading_name(heading.text), index)

    # Defined terms, where each is defined, and the labels of the Key Terms.
    defined: dict[str, _Para | None] = {}
    for para in paras:
        if para.source.style and paragraph_is_title(para.source, styles):
            continue
        for term in _definitions(para.text):
            defined.setdefault(term, para)
    for term in data_terms:
        defined.setdefault(term, None)
    label_flags = {label: flag for label, flag in labels}
    pattern = _term_pattern([*defined, *label_flags])

    uses: dict[str, list[tuple[str, ...]]] = {}
    undefined: dict[str, _Para] = {}
    for para in paras:
        if paragraph_is_title(para.source, styles):
            continue
        text = para.text
        spans: list[tuple[int, int]] = []
        for found in CLAUSE_REFERENCE.finditer(text):
            spans.append(found.span())
            report.references.append(_clause_reference(found, para, by_name, headings, conditions, report))
        for found in SCHEDULE_REFERENCE.finditer(text):
            spans.append(found.span())
            _schedule_reference(found, para, schedules, conditions, report)
        covered = list(spans)
        if pattern is not None:
            for found in pattern.finditer(text):
                if _inside(found.start(), spans):
                    continue
                covered.append(found.span())
                before = text[: found.start()]
                if before.endswith('"'):
                    continue  # the definition itself
                uses.setdefault(found.group(1), []).append(para.conditions)
        if para.source.table is None:
            for found in _CAPITAL.finditer(text):
                word = found.group(0).rstrip("'’-")
                if _inside(found.start(), covered) or word in _PLAIN_CAPITALS:
                    continue
                if len(word) > 1 and word.replace("-", "").isupper():
                    continue  # an acronym, or words in capitals for emphasis
                if _SENTENCE_END.search(text[: found.start()]):
                    continue
                if word.removesuffix("'s") in defined:
                    continue
                undefined.setdefault(word, para)

    report.label_uses = {label: uses.get(label.translate(_QUOTES), []) for label in label_flags}
    for term, where in defined.items():
        found_uses = uses.get(term.translate(_QUOTES), [])
        if where is None:
            continue
        if not found_uses:
            report.findings.append(Finding(WARNING, f"“{term}” is defined in {_where(where)} but never used"))
        elif not conditions.covers(where.conditions, found_uses):
            report.findings.append(
                Finding(
                    WARNING,
                    f"“{term}” is defined in {_where(where)} but some drafts that define it never use it",
                )
            )
    for label, flag in label_flags.items():
        found_uses = report.label_uses[label]
        premise = (f"flags.{flag}",) if flag else ()
        if not found_uses:
            report.findings.append(
                Finding(WARNING, f"the Key Terms row “{label}” is a defined term that no clause uses")
            )
        elif not conditions.covers(premise, found_uses):
            report.findings.append(
                Finding(
                    WARNING,
                    f"the Key Terms row “{label}” is a defined term that some drafts show without a clause "
                    "using it",
                )
            )
    for word, para in sorted(undefined.items(), key=lambda item: item[1].source.index):
        report.findings.append(
            Finding(
                WARNING,
                f"“{word}” in {_where(para)} is capitalised like a defined term, but the agreement does not "
                "define it",
            )
        )
    return report


def _name(text: str) -> str:
    typed = _TYPED_NUMBER.match(text)
    return (typed.group(2) if typed else text).strip()


def paragraph_is_title(paragraph: Paragraph, styles: Styles) -> bool:
    """True for the title and subtitle of the cover page (not clause text)."""
    return styles.name(paragraph.style).casefold() in ("title", "subtitle")


def _inside(position: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _clause_reference(
    found: re.Match[str],
    para: _Para,
    by_name: dict[str, int],
    headings: list[Heading],
    conditions: Conditions,
    report: TemplateReferences,
) -> Reference:
    written = found.group(0)
    name = found.group(3)
    if name is None:
        report.findings.append(
            Finding(
                WARNING,
                f"{_where(para)} refers to {written} without its heading: write it as "
                f"“{written} (Heading)” so that partnerkit can check it and keep its number right",
            )
        )
        return Reference(para.source.index, written, None, None, para.conditions)
    target = by_name.get(heading_name(name))
    if target is None:
        report.findings.append(
            Finding(ERROR, f"{_where(para)} refers to {written}, but the agreement has no clause “{name}”")
        )
        return Reference(para.source.index, written, name, None, para.conditions)
    heading = headings[target]
    if not conditions.implies(para.conditions, heading.conditions):
        shown = " and ".join(c.strip("()") for c in heading.conditions)
        report.findings.append(
            Finding(
                ERROR,
                f"{_where(para)} refers to {written}, but that clause is in a draft only when {shown}, and "
                "the paragraph that refers to it is not",
            )
        )
    return Reference(para.source.index, written, name, target, para.conditions)


def _schedule_reference(
    found: re.Match[str],
    para: _Para,
    schedules: dict[str, tuple[str, tuple[str, ...]]],
    conditions: Conditions,
    report: TemplateReferences,
) -> None:
    number, name = found.group(1), found.group(2)
    written = found.group(0)
    if number not in schedules:
        report.findings.append(
            Finding(ERROR, f"{_where(para)} refers to {written}, but the agreement has no Schedule {number}")
        )
        return
    title, frame = schedules[number]
    if name and heading_name(name) not in heading_name(title):
        report.findings.append(
            Finding(ERROR, f"{_where(para)} refers to {written}, but Schedule {number} is “{title.strip()}”")
        )
    elif not conditions.implies(para.conditions, frame):
        report.findings.append(
            Finding(ERROR, f"{_where(para)} refers to {written}, which some drafts leave out")
        )


def number_references(paragraphs: Sequence[Paragraph], report: TemplateReferences) -> int:
    """Replace the written number of every resolved clause reference by the draft's number tag.

    The number becomes ``{{ clause_numbers[K] }}``, K the clause's place among the template's headings,
    so each draft prints its own number. Returns how many references were rewritten.
    """
    by_index = {p.index: p for p in paragraphs}
    done = 0
    in_paragraph: dict[int, list[Reference]] = {}
    for reference in report.references:
        in_paragraph.setdefault(reference.paragraph, []).append(reference)
    for index, references in in_paragraph.items():
        pieces = _text_pieces(by_index[index].element)
        text = "".join(t for _, t in pieces)
        # The same references, in the same order, as the check found in this paragraph's text.
        pairs = list(zip(CLAUSE_REFERENCE.finditer(text), references, strict=False))
        for found, reference in reversed(pairs):  # right to left: earlier offsets stay valid
            if reference.target is None:
                continue
            start, end = found.span(1)
            _replace(pieces, start, end, f"{{{{ clause_numbers[{reference.target}] }}}}")
            done += 1
    return done


def _text_pieces(element: Any) -> list[tuple[Any, str]]:
    """The paragraph's text nodes in order, with their text (a tab or break is a space without a node)."""
    out: list[tuple[Any, str]] = []
    skip = {w("instrText"), w("delText"), w("del"), w("pPr"), w("rPr"), w("txbxContent")}

    def walk(node: Any) -> None:
        for child in node:
            if child.tag == w("t"):
                out.append((child, child.text or ""))
            elif child.tag in (w("tab"), w("br"), w("cr")):
                out.append((None, " "))
            elif child.tag in skip or not isinstance(child.tag, str):
                continue
            else:
                walk(child)

    walk(element)
    return out


def _replace(pieces: list[tuple[Any, str]], start: int, end: int, new: str) -> None:
    position = 0
    placed = False
    for number, (node, text) in enumerate(pieces):
        low, high = position, position + len(text)
        position = high
        if high <= start or low >= end or node is None:
            continue
        keep_head = text[: max(0, start - low)]
        keep_tail = text[max(0, end - low) :] if end <= high else ""
        middle = "" if placed else new
        placed = True
        node.text = keep_head + middle + keep_tail
        pieces[number] = (node, node.text)
