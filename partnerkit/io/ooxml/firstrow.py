"""The first row of a sheet, read from the beginning of its part: enough to choose the sheets worth
reading without reading them (a facts workbook's notes sheet may be huge, or hold a stray far cell).

Only as much of the sheet and of the shared strings is inflated as the first row with a value needs.
Namespace prefixes and either quote are accepted: a reader that guesses wrong here merely reads a
sheet it could have skipped, or skips one with a warning.
"""

from __future__ import annotations

import html
import re

from partnerkit.io.ooxml.package import Package

_NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ROW = re.compile(rb"<" + _NAME + rb"row\b[^>]*?(?:/>|>(.*?)</" + _NAME + rb"row>)", re.S)
_CELL = re.compile(rb"<" + _NAME + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _NAME + rb"c>)", re.S)
_TYPE = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
_VALUE = re.compile(rb"<" + _NAME + rb"v\b[^>]*>(.*?)</" + _NAME + rb"v>", re.S)
_TEXT = re.compile(rb"<" + _NAME + rb"t\b[^>]*>(.*?)</" + _NAME + rb"t>", re.S)
_PHONETIC = re.compile(rb"<" + _NAME + rb"rPh\b.*?</" + _NAME + rb"rPh>", re.S)
_ITEM = re.compile(rb"<" + _NAME + rb"si\b[^>]*?(?:/>|>(.*?)</" + _NAME + rb"si>)", re.S)
_FIRST_LOOK = 1 << 16


def _text(xml: bytes) -> str:
    """The text of a run of rich text or an inline string: its ``<t>`` pieces, phonetic guides left out."""
    pieces = _TEXT.findall(_PHONETIC.sub(b"", xml))
    return html.unescape(b"".join(pieces).decode("utf-8", "replace"))


class SharedStrings:
    """A workbook's shared strings, inflated only as far as the strings asked for."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.part = package.find("xl/sharedStrings.xml")
        self._items: list[str] = []
        self._read = 0  # bytes of the part inflated so far
        self._complete = self.part is None

    def get(self, index: int) -> str:
        """The string at ``index`` (empty when the workbook has no such string)."""
        size = _FIRST_LOOK
        while index >= len(self._items) and not self._complete:
            assert self.part is not None
            total = self.package.entry(self.part).file_size
            head = self.package.head(self.part, size)
            self._complete = len(head) >= total
            # The last item may be cut short unless the whole part was inflated.
            items = [_text(m.group(1) or b"") for m in _ITEM.finditer(head)]
            self._items = items if self._complete else items[:-1]
            size *= 8
        return self._items[index] if 0 <= index < len(self._items) else ""


def first_row(package: Package, part: str, strings: SharedStrings) -> list[str]:
    """The values, as text, of the sheet's first row that holds any (``[]`` for a sheet without one)."""
    total = package.entry(part).file_size
    size = _FIRST_LOOK
    while True:
        head = package.head(part, size)
        complete = len(head) >= total
        for row in _ROW.finditer(head):
            values = [v for v in (_value(cell, strings) for cell in _CELL.finditer(row.group(1) or b"")) if v]
            if values:
                return values
        if complete:
            return []
        size *= 8


def _value(cell: re.Match[bytes], strings: SharedStrings) -> str:
    attrs, body = cell.group(1), cell.group(2) or b""
    kind = _TYPE.search(attrs)
    kind_name = kind.group(1) if kind else b"n"
    if kind_name == b"inlineStr":
        return _text(body)
    value = _VALUE.search(body)
    if value is None:
        return ""
    text = html.unescape(value.group(1).decode("utf-8", "replace")).strip()
    if kind_name == b"s":
        return strings.get(int(text)) if text.isdigit() else ""
    return text
