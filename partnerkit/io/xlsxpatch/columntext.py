"""Result columns written into a user sheet's text: the written cells replaced in place, every other byte kept.

A 10,000-partner Partners sheet is some 7 MB of XML: parsing it into a tree, walking every row in
Python and writing it out again took most of a second. A sheet as Excel and partnerkit write it
(every row and cell addressed, no formulas, comments, CDATA or prefixed rows) is edited here as
text instead; any other sheet goes through ``SheetEdit``'s tree (``plain_sheet`` says which).
The check after the patch parses the part and reads every cell back, as for any part.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from partnerkit.io.ooxml.refs import MAX_ROWS, column_letters, column_number, range_ref
from partnerkit.io.ooxml.xml import MAIN_NS
from partnerkit.io.xlsxpatch.cells import CellTexts, CellValue

_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_ATTR = re.compile(r'\s+([\w:.-]+)="[^"]*"')
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_CELL_REF = re.compile(r'\sr="([A-Z]{1,3})(\d+)"')
_SPANS = re.compile(r'\sspans="([^"]*)"')
_DIMENSION = re.compile(r'(<dimension\b[^>]*?\sref=")([^"]*)(")')
_COL = re.compile(r"<col\b[^>]*?/?>")
_NOT_PLAIN = ("<!--", "<![CDATA[", "<!DOCTYPE", "<!ENTITY")
_FORMULA = re.compile(r"<f[\s>/]")  # (or a prefixed tag, or a cell without attributes)
_ODD = re.compile(r"<[\w.-]+:(?:row|c|sheetData)\b|<c[>/]")
_DROPPED = ("r", "t", "cm", "vm")  # as fill_cell: the address is rewritten, the old value's type goes


class NotPlain(Exception):
    """The sheet is not one the text edit handles; its tree edit does."""


def _attrs(text: str) -> dict[str, str]:
    """A start tag's attributes (name -> its ``name="value"`` text as written)."""
    found = {m.group(1): m.group(0) for m in _ATTR.finditer(text)}
    return found


def _value(attr: str) -> str:
    return attr.split('"', 2)[1]


def plain_sheet(data: bytes, sheet_name: str, date1904: bool) -> ColumnText | None:
    """The sheet part as a text edit, or None when it is not a plain sheet (the tree edit takes it)."""
    text = data.decode("utf-8")
    start, end = text.find("<sheetData>"), text.rfind("</sheetData>")
    if start < 0 or end < start or text.count("<sheetData") != 1 or text.count("<?") > 1:
        return None
    if any(mark in text for mark in _NOT_PLAIN) or _FORMULA.search(text, start) or _ODD.search(text):
        return None
    root = re.search(r"<worksheet\b[^>]*>", text)
    if root is None or f' xmlns="{MAIN_NS}"' not in root.group(0):
        return None
    body_start = start + len("<sheetData>")
    return ColumnText(text[:body_start], text[body_start:end], text[end:], sheet_name, date1904)


class ColumnText:
    """One plain sheet part edited as text: result columns written into rows that are there."""

    def __init__(self, head: str, body: str, tail: str, sheet_name: str, date1904: bool) -> None:
        self.head, self.body, self.tail = head, body, tail
        self.name = sheet_name
        self.date1904 = date1904
        self.removed_formulas: set[str] = set()  # a plain sheet has no formulas to lose
        self.cells_written = 0
        self.texts = CellTexts(sheet_name, date1904)
        self._kept: dict[str, str] = {}  # a cell's attributes after its address -> those it keeps
        self.col_styles: dict[int, str] = {}
        for col in _COL.finditer(head):
            attrs = _attrs(col.group(0))
            if "style" in attrs:
                lo, hi = int(_value(attrs.get("min", ' min="1"'))), int(_value(attrs.get("max", ' max="1"')))
                for c in range(lo, min(hi, 16_384) + 1):
                    self.col_styles[c] = _value(attrs["style"])

    has_text = True

    def guard_formulas(self, first_row: int, last_row: int, cols: set[int]) -> None:
        """Nothing to guard: a plain sheet has no formulas."""

    def _rows(self) -> list[str]:
        """The body cut after each row's end: every piece but the last holds one ``<row ...>...`` whole."""
        pieces = self.body.split("</row>")
        for piece in pieces[:-1]:
            if piece.count("<row") != 1:  # an empty row written as <row .../> shares a piece
                raise NotPlain("a row without an end tag")
        if "<row" in pieces[-1]:
            raise NotPlain("a row without an end tag")
        return pieces

    def write_columns(self, first_row: int, columns: Sequence[tuple[int, Sequence[CellValue]]]) -> None:
        """Write each (column, values) pair down from ``first_row``, as ``SheetEdit.write_columns`` does;
        NotPlain (nothing written) when a row to write is missing or a cell cannot be read as text."""
        count = max((len(values) for _, values in columns), default=0)
        last_row = first_row + count - 1
        pieces = self._rows()
        seen = written = previous = 0
        letters = [(col, column_letters(col), values) for col, values in columns]
        for i in range(len(pieces) - 1):
            piece = pieces[i]
            at = piece.find("<row")
            number = _ROW_NUMBER.search(piece, at, piece.find(">", at))
            if number is None:
                raise NotPlain("a row without its number")
            r = int(number.group(1))
            if r <= previous or r > MAX_ROWS:
                raise NotPlain("rows out of order")
            previous = r
            if first_row <= r <= last_row:
                seen += 1
                new, cells = self._row(piece[at:], r, r - first_row, letters)
                pieces[i] = piece[:at] + new
                written += cells
        if seen != count:
            raise NotPlain("a row to write is missing")
        self.body = "</row>".join(pieces)
        self.cells_written += written

    def _row(
        self, row: str, r: int, offset: int, columns: list[tuple[int, str, Sequence[CellValue]]]
    ) -> tuple[str, int]:
        """One row (without its end tag) with the columns' values written: the row's text, cells written."""
        tag_end = row.find(">")
        head, content = row[:tag_end], row[tag_end + 1 :]
        edits: list[tuple[int, int, int, int, str]] = []  # start, kind (0 insert, 1 replace), col, end, text
        written = 0
        cells: dict[int, int] | None = None  # column -> start of its cell, when a cell must be added
        row_attrs: dict[str, str] | None = None
        for col, letters, values in columns:
            value = values[offset]
            ref = f"{letters}{r}"
            found = content.find(f'<c r="{ref}"')
            if found >= 0:
                cell = _CELL.match(content, found)
                if cell is None:
                    raise NotPlain("a cell the text edit cannot read")
                written_attrs = cell.group(1)
                kept = self._kept.get(written_attrs[len(ref) + 5 :])
                if kept is None:
                    kept = self._kept_attrs(written_attrs, len(ref))
                edits.append((found, 1, col, cell.end(), self.texts.text(ref, kept, value)))
                written += 1
                continue
            if cells is None:
                cells = self._cells(content, r)
            if col in cells:  # its address is not its first attribute
                raise NotPlain("a cell's attributes are not written as the text edit reads them")
            if row_attrs is None:
                row_attrs = _attrs(head)
            custom = row_attrs.get("customFormat")
            style = (
                _value(row_attrs["s"])
                if custom is not None and _value(custom) in ("1", "true") and "s" in row_attrs
                else self.col_styles.get(col)
            )
            if style is None and (value is None or value == ""):
                continue  # nothing to show and nothing to format: no cell at all
            attrs_text = f' s="{style}"' if style is not None else ""
            after = min((c for c in cells if c > col), default=None)
            at = cells[after] if after is not None else len(content)
            edits.append((at, 0, col, at, self.texts.text(ref, attrs_text, value)))
            head = _widen_spans(head, col)
            written += 1
        if not edits:
            return row, written
        out: list[str] = []
        pos = 0
        for start, _, _, end, text in sorted(edits):
            out += (content[pos:start], text)
            pos = end
        out.append(content[pos:])
        return f"{head}>{''.join(out)}", written

    def _kept_attrs(self, written: str, ref_length: int) -> str:
        """The attributes a cell keeps (``written``: all of them, its address first) as text.

        Remembered by what follows the address: the cells of a column mostly share one style and type.
        """
        attrs = _attrs(written)
        if sum(len(a) for a in attrs.values()) != len(written.rstrip()):
            raise NotPlain("a cell's attributes are not written as the text edit reads them")
        kept = "".join(a for name, a in attrs.items() if name not in _DROPPED)
        self._kept[written[ref_length + 5 :]] = kept
        return kept

    @staticmethod
    def _cells(content: str, r: int) -> dict[int, int]:
        """Each cell of a row's content: its column -> where it starts."""
        cells: dict[int, int] = {}
        for cell in _CELL.finditer(content):
            ref = _CELL_REF.search(cell.group(1))
            if ref is None or int(ref.group(2)) != r:
                raise NotPlain("a cell without its address")
            cells[column_number(ref.group(1))] = cell.start()
        return cells

    def finish(self) -> None:
        """Make ``<dimension>`` tell the truth about the cells, as ``SheetEdit.finish`` does."""
        top = bottom = left = right = 0
        for piece in self._rows()[:-1]:
            at = piece.find("<row")
            first = piece.find("<c ", at)
            if first < 0:
                continue
            last = piece.rfind("<c ")
            number = _ROW_NUMBER.search(piece, at, piece.find(">", at))
            lo, hi = _CELL_REF.search(piece, first), _CELL_REF.search(piece, last)
            if number is None or lo is None or hi is None:  # plain_sheet let in only addressed ones
                raise NotPlain("a row or cell without its address")
            r = int(number.group(1))
            top = top or r
            bottom = r
            a, b = column_number(lo.group(1)), column_number(hi.group(1))
            left = min(left, a) if left else a
            right = max(right, b)
        ref = range_ref(top, left, bottom, right) if top else "A1"
        self.head = _DIMENSION.sub(lambda m: f"{m.group(1)}{ref}{m.group(3)}", self.head, count=1)

    def serialize(self) -> bytes:
        """The sheet part as bytes."""
        return (self.head + self.body + self.tail).encode("utf-8")


def _widen_spans(head: str, col: int) -> str:
    """A row start tag whose optional column-span hint stays true after a cell is added (``_widen_spans``)."""
    spans = _SPANS.search(head)
    if spans is None:
        return head
    lo, sep, hi = spans.group(1).partition(":")
    # several spans, or a form we do not know: a hint only, and a stale one is worse than none
    known = sep and lo.isdigit() and hi.isdigit()
    new = f' spans="{min(int(lo), col)}:{max(int(hi), col)}"' if known else ""
    return head[: spans.start()] + new + head[spans.end() :]
