"""Plan text as a document may hold it: control characters removed, and the warning that says so.

The Word documents remove the same characters with the same warning (``io/word/text.py``); a test
holds the two in step, since the core cannot import the Word adapter.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from partnerkit.problems import FieldPath, Problem, Severity

# C0 controls other than TAB/LF/CR, DEL and the C1 controls, lone surrogates and the two
# non-characters: a terminal obeys ESC, a viewer shows boxes, XML cannot hold most of them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# TAB, LF and CR are whitespace a person typed: a line of a document folds them into one space.
_WHITESPACE_CONTROLS = re.compile(r"[\t\n\r]+")


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without control characters (line breaks become a space) and how many were removed."""
    removed = len(CONTROL_CHARACTERS.findall(text))
    if removed:
        text = CONTROL_CHARACTERS.sub("", text)
    if "\t" in text or "\n" in text or "\r" in text:
        text = _WHITESPACE_CONTROLS.sub(" ", text)
    return text, removed


def removed_warning(text: str, removed: int, path: FieldPath = ()) -> Problem:
    """The warning that ``removed`` control characters were taken out of ``text`` (as cleaned)."""
    return Problem(
        f"removed {removed} control character(s) from {text[:60]!r}",
        path=path,
        severity=Severity.WARNING,
        code="control-characters",
    )


def control_character_warnings(plan: BaseModel) -> list[Problem]:
    """A warning, at its field, for every piece of plan text that holds control characters."""
    found: list[Problem] = []
    _walk(plan.model_dump(mode="python", by_alias=True), (), found)
    return found


def _walk(value: Any, path: FieldPath, found: list[Problem]) -> None:
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            cleaned, removed = clean_text(value)
            found.append(removed_warning(cleaned, removed, path))
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, (*path, key if isinstance(key, str | int) else str(key)), found)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _walk(item, (*path, i), found)
