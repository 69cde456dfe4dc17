"""Untrusted text made safe for a Word document: control characters out, everything else literal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from partnerkit.problems import FieldPath, Problem, Severity

BLANK = "[●]"
"""A value still to be agreed, as documents print it; templates test for it with ``is blank``."""

# XML 1.0 cannot hold C0 controls other than TAB/LF/CR, and Word shows C1 controls as boxes.
# TAB, LF and CR are whitespace a person typed: they become one space, silently.
_WHITESPACE_CONTROLS = re.compile(r"[\t\n\r]+")
# Lone surrogates cannot be written as UTF-8 at all.
_OTHER_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> tuple[str, int]:
    """``text`` without control characters (line breaks become a space) and how many were removed.

    Right-to-left marks, quotes, ``<``, ``&`` and template syntax stay exactly as typed: escaping
    is the renderer's job, and a value is never parsed as a template.
    """
    removed = len(_OTHER_CONTROLS.findall(text))
    if removed:
        text = _OTHER_CONTROLS.sub("", text)
    if "\t" in text or "\n" in text or "\r" in text:
        text = _WHITESPACE_CONTROLS.sub(" ", text)
    return text, removed


# In JSON text (not ASCII-only), a control character clean_text removes is escaped (\t, \u0007) or,
# for DEL, the C1 controls, lone surrogates and the two non-characters, left as it is.
_ESCAPED_CONTROL = re.compile(r"\\[tnrbf]|\\u00[01]|[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def needs_cleaning(value: Any) -> bool:
    """False when no string anywhere in ``value`` holds a character ``clean_text`` would change.

    One pass of the C JSON encoder instead of a Python call per string: a draft's context holds
    hundreds of strings, and almost never a control character. A false alarm only costs the full clean.
    """
    import json

    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return True
    if text.isascii():  # no C1 control, surrogate or non-character: only an escape can be one
        return "\\" in text and _ESCAPED_CONTROL.search(text) is not None
    return _ESCAPED_CONTROL.search(text) is not None


def clean_context(value: Any, path: FieldPath = ()) -> tuple[Any, list[Problem]]:
    """The context with every string cleaned (itself when none needs it), and a warning per cleaned string."""
    problems: list[Problem] = []
    if not needs_cleaning(value):
        return value, problems
    cleaned = _clean(value, path, problems)
    return cleaned, problems


def _clean(value: Any, path: FieldPath, problems: list[Problem]) -> Any:
    if isinstance(value, str):
        text, removed = clean_text(value)
        if removed:
            problems.append(
                Problem(
                    f"removed {removed} control character(s) from {text[:60]!r}",
                    path=path,
                    severity=Severity.WARNING,
                    code="control-characters",
                )
            )
        return text
    if isinstance(value, Mapping):
        return {k: _clean(v, (*path, str(k)), problems) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v, (*path, i), problems) for i, v in enumerate(value)]
    return value
