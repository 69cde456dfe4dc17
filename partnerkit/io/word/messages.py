"""Template errors in legal's words: which template, which paragraph, what is wrong, what was probably meant.

Jinja's and Python's own messages (``'dict object' has no attribute 'exclusivty'``, ``expected token
'end of print statement'``) never reach the user: each error is turned into a sentence that names the
template, the paragraph as Word counts it (and its opening words), the variable or tag, and the
nearest real name.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


@dataclass(frozen=True)
class TemplateParagraph:
    """A paragraph of a template part as legal sees it in Word: its number and its text."""

    number: int
    text: str

    def quoted(self, width: int = 60) -> str:
        """The paragraph's opening words, quoted: ``paragraph 14 (“{%p if flags.exclusivty %}”)``."""
        text = " ".join(self.text.split())
        if len(text) > width:
            text = text[: width - 1].rstrip() + "…"
        return f"paragraph {self.number} (“{text}”)" if text else f"paragraph {self.number}"


def template_line(exc: BaseException) -> int | None:
    """The line of the compiled template source where a rendering error happened (Jinja maps it)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            line = frame.lineno
    return line


def missing_name(message: str) -> str | None:
    """The name StrictUndefined complained about: ``exclusivty`` in ``... has no attribute 'exclusivty'``."""
    for pattern in (r"has no attribute '([^']+)'", r"'([^']+)' is undefined", r"no element '?([^']+?)'?$"):
        found = re.search(pattern, message)
        if found:
            return found.group(1)
    return None


def paragraph_with(paragraphs: Sequence[TemplateParagraph], needle: str) -> TemplateParagraph | None:
    """The first paragraph whose template tags use ``needle`` as a name (``flags.exclusivty``, ``valu``)."""
    pattern = re.compile(rf"(?<![\w]){re.escape(needle)}(?![\w])")
    for paragraph in paragraphs:
        if any(pattern.search(tag) for tag in _TAG.findall(paragraph.text)):
            return paragraph
    return None


def written_name(paragraph: TemplateParagraph | None, leaf: str) -> str:
    """The variable as the template writes it (``row.valu``), found by its last part."""
    if paragraph is not None:
        for tag in _TAG.findall(paragraph.text):
            found = re.search(rf"([A-Za-z_][\w.]*\.)?{re.escape(leaf)}(?![\w])", tag)
            if found:
                return found.group(0)
    return leaf


def syntax_sentence(message: str, filters: Iterable[str], tests: Iterable[str]) -> str:
    """A Jinja syntax message as a sentence for legal."""
    from partnerkit.io.word.paths import nearest

    if found := re.match(r"No filter named '([^']+)'", message):
        guess = nearest(found.group(1), filters)
        hint = f"; did you mean '{guess}'?" if guess else ""
        return f"there is no filter called '{found.group(1)}'{hint}"
    if found := re.match(r"No test named '([^']+)'", message):
        guess = nearest(found.group(1), tests)
        hint = f"; did you mean 'is {guess}'?" if guess else ""
        return f"there is no test 'is {found.group(1)}'{hint}"
    if found := re.match(r"Encountered unknown tag '([^']+)'", message):
        tag = found.group(1)
        closing = re.search(r"needs to be closed is '([^']+)'", message)
        if closing:
            return (
                f"the tag '{tag}' does not close the open '{closing.group(1)}': write "
                f"'{{%p end{closing.group(1)} %}}' on a paragraph of its own"
            )
        return f"'{tag}' is not a tag partnerkit templates know (they use if, elif, else, endif, for, endfor)"
    if message.startswith("Unexpected end of template"):
        closing = re.search(r"needs to be closed is '([^']+)'", message)
        what = closing.group(1) if closing else "if"
        return f"a '{{%p {what} ... %}}' is never closed: add '{{%p end{what} %}}' after the paragraphs it controls"
    return (
        "a tag or a variable is not written correctly: check its braces ({{ }} or {% %}) and the words inside"
    )
