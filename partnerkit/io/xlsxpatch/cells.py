"""Cell values in SpreadsheetML: text always as text, numbers as numbers (addresses: io/ooxml/refs.py)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from lxml import etree

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.refs import cell_ref
from partnerkit.io.ooxml.xml import XML_SPACE, q

MAX_TEXT = 32_767

CellValue = str | int | float | bool | Decimal | date | datetime | None

# Characters XML 1.0 cannot carry: OOXML spells them _xHHHH_ (ECMA-376 ST_Xstring).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Unicode non-characters and lone surrogates have no place in any text: stored as U+FFFD.
_NOT_TEXT = re.compile("[\ufffe\uffff\ud800-\udfff]")
_NEEDS_WORK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_x")
# Any "_x" and four hex digits is protected, even without its closing "_": the next character may be a
# control character whose own escape supplies one ("_x0000" + "\x01" would read as "_x0000_x0001_").
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4})")  # lookahead: "_x005F_x0041_" holds two


def storable_text(text: str) -> str:
    """The text as a cell can hold it: non-characters and lone surrogates become U+FFFD."""
    return _NOT_TEXT.sub("\ufffd", text)


def escape_text(text: str) -> str:
    """Text as OOXML stores it: XML-illegal characters as _xHHHH_, literal _xHHHH_ protected."""
    # The common case first: a printable text has no control character, non-character or surrogate.
    if "_x" not in text and (text.isprintable() or not _NEEDS_WORK.search(text)):
        return text
    text = _LOOKS_ESCAPED.sub("_x005F_", storable_text(text))
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def excel_serial(value: date | datetime, date1904: bool) -> float:
    """A date as Excel's serial number in the workbook's date system."""
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    delta = moment - epoch
    serial = delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400e6
    if not date1904 and serial < 61:  # Excel's phantom 1900-02-29
        serial -= 1
    return serial


def _number_text(value: float | int | Decimal, where: str) -> str:
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        raise WorkbookError(f"{where}: {value!r} is not a number Excel can store")
    text = repr(number)
    return text[:-2] if text.endswith(".0") else text


_IS, _T, _V = q("is"), q("t"), q("v")


def fill_cell(cell: Any, value: CellValue, *, where: str, date1904: bool) -> None:
    """Make ``cell`` (a ``<c>`` element) hold ``value``, keeping its address and style."""
    attrib = cell.attrib
    for attr in ("t", "cm", "vm"):  # type, and metadata that belonged to the old value
        if attr in attrib:
            del attrib[attr]
    if len(cell):
        for child in list(cell):
            cell.remove(child)
    if value is None or value == "":  # an empty text is an empty cell, as Excel stores it
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise WorkbookError(f"{where}: text of {len(value):,} characters is over Excel's 32,767 limit")
        attrib["t"] = "inlineStr"
        t = etree.SubElement(etree.SubElement(cell, _IS), _T)
        t.text = escape_text(value)
        if value != value.strip() or "\n" in value or "\t" in value or "  " in value:
            t.set(XML_SPACE, "preserve")
        return
    v = etree.SubElement(cell, _V)
    if isinstance(value, bool):
        cell.set("t", "b")
        v.text = "1" if value else "0"
    elif isinstance(value, (int, float, Decimal)):
        v.text = _number_text(value, where)
    elif isinstance(value, (date, datetime)):
        v.text = _number_text(excel_serial(value, date1904), where)
    else:
        raise TypeError(f"{where}: cannot write a {type(value).__name__} to a cell")


def new_cell(row: int, col: int, style: str | None) -> Any:
    """An empty ``<c>`` element at (row, col), with a style index when one is given."""
    cell = etree.Element(q("c"), r=cell_ref(row, col))
    if style is not None:
        cell.set("s", style)
    return cell


def _xml_text(text: str) -> str:
    # A parser turns a raw carriage return into a line feed: it is written as a character reference.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def cell_xml(ref: str, style: str | None, value: CellValue, *, sheet: str, date1904: bool) -> str:
    """The ``<c>`` element ``fill_cell`` would make, as text (whole owned sheets are built as text and
    spliced into their part: many times faster than building them element by element)."""
    return cell_text(ref, f' s="{style}"' if style is not None else "", value, sheet=sheet, date1904=date1904)


def cell_text(ref: str, attrs: str, value: CellValue, *, sheet: str, date1904: bool) -> str:
    """``cell_xml`` with the cell's other attributes as they are written (`` s="3"``, its style and
    any other it keeps) after its address."""
    head = f'<c r="{ref}"{attrs}'
    if value is None or value == "":
        return head + "/>"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise WorkbookError(
                f"{sheet}!{ref}: text of {len(value):,} characters is over Excel's 32,767 limit"
            )
        space = (
            ' xml:space="preserve"'
            if (value != value.strip() or "\n" in value or "\t" in value or "  " in value)
            else ""
        )
        return f'{head} t="inlineStr"><is><t{space}>{_xml_text(escape_text(value))}</t></is></c>'
    where = f"{sheet}!{ref}"
    if isinstance(value, bool):
        return f'{head} t="b"><v>{"1" if value else "0"}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f"{head}><v>{_number_text(value, where)}</v></c>"
    if isinstance(value, (date, datetime)):
        return f"{head}><v>{_number_text(excel_serial(value, date1904), where)}</v></c>"
    raise TypeError(f"{where}: cannot write a {type(value).__name__} to a cell")


# Values whose cells are built once and copied: equal values of these types always write the same
# text. A float is one too unless it is zero (-0.0 equals 0.0 but is written "-0"); a date, a
# Decimal (Decimal("-0") equals 0) and anything else is built cell by cell.
_SAME_TEXT = (str, int, bool, type(None))


class CellTexts:
    """``cell_text`` for the many cells of one sheet, the XML after each cell's address built once
    per (attributes, value): a 10,000-partner sheet repeats the same tier, category or empty cell
    tens of thousands of times."""

    def __init__(self, sheet: str, date1904: bool) -> None:
        self.sheet = sheet
        self.date1904 = date1904
        self._after: dict[tuple[str, type, CellValue], str] = {}

    def text(self, ref: str, attrs: str, value: CellValue) -> str:
        """What ``cell_text(ref, attrs, value, ...)`` returns for this sheet."""
        kind = value.__class__
        if kind in _SAME_TEXT or (kind is float and value != 0):
            key = (attrs, kind, value)
            after = self._after.get(key)
            if after is None:
                text = cell_text(ref, attrs, value, sheet=self.sheet, date1904=self.date1904)
                self._after[key] = text[len(ref) + 6 :]  # from the address's closing quote on
                return text
            return f'<c r="{ref}{after}'
        return cell_text(ref, attrs, value, sheet=self.sheet, date1904=self.date1904)
