"""A fast byte-level scan of a worksheet part, for what python-calamine does not tell.

Formula cells saved without a cached value, merged ranges, the styles of the cells of given columns
and the sheet's real used extent, found in the part's bytes without parsing them: a 100,000-row
sheet holds millions of cells, and an XML parse of it costs seconds. Positions are 0-based (row,
column), as python-calamine counts. The scan assumes what every writer of worksheets does: cells
carry their ``r="B7"`` address, and the attributes are quoted with ``"``.

``SheetScan.extent`` is the exception: it bounds what a reader will allocate, so it assumes nothing.
A sheet written the usual way is measured with a few regular-expression sweeps; any other spelling
(cells without an address, prefixed tags, single quotes) is walked tag by tag, placing cells the
way python-calamine does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from partnerkit.io.ooxml.refs import cell_ref, column_letters, column_number, index_of, letters_at

Position = tuple[int, int]
Span = tuple[Position, Position]

_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>'
)
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*\bt="e"[^>]*>\s*(?:<f\b[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>'
)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%

NO_COMPUTED_VALUE = (
    "the formula in this cell has no computed value (the file was saved by a program that does not calculate)"
)
"""What every reader says of a formula cell saved without its value (python-calamine reads it as empty)."""
NO_COMPUTED_VALUE_HINT = "open and save it in Excel or LibreOffice, or type the value"

# --- the used extent --------------------------------------------------------------------------------

# A cell tag written other than <c r="...": without an address, with another attribute first, or
# with a namespace prefix (<x:c>). A sheet with one is measured tag by tag.
_UNUSUAL_CELL = re.compile(rb'<c(?:[>\t\n\r]| (?!r="))')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ADDRESS = re.compile(rb"([A-Za-z]+)([0-9]+)")
_HEAD_BYTES = 1 << 16  # the start of the sheet's data where the first guess of its width is taken


@dataclass(frozen=True)
class Extent:
    """How far a sheet's cells reach: its last row and column (1-based, 0 for an empty sheet) and a cell
    on each edge, such as ``A1048576`` and ``XFD3``."""

    rows: int
    columns: int
    far_row: str = ""
    far_column: str = ""

    @property
    def cells(self) -> int:
        """The cells of the rectangle from A1 to the far corner, which a reader of the sheet allocates."""
        return self.rows * self.columns

    @property
    def area(self) -> str:
        """The used area as Excel writes a range: ``A1:XFD1048576``."""
        return f"A1:{cell_ref(self.rows, self.columns)}" if self.cells else ""


def _letters_after(n: int) -> bytes:
    """A pattern matching column letters (any case) of a column after the ``n``-th (1-based)."""
    if n <= 0:
        return rb"[A-Za-z]+"
    letters = column_letters(n)
    both = [b"[" + c.encode() + c.lower().encode() + b"]" for c in letters]
    branches = [rb"[A-Za-z]{%d,}" % (len(letters) + 1)]
    for i, ch in enumerate(letters):
        if ch < "Z":
            after = chr(ord(ch) + 1)
            branches.append(
                b"".join(both[:i])
                + f"[{after}-Z{after.lower()}-z]".encode()
                + (rb"[A-Za-z]{%d}" % (len(letters) - i - 1))
            )
    return b"|".join(branches)


def _round_down(n: int) -> int:
    """``n`` with all but its two leading digits zeroed: 100003 -> 100000, 61234 -> 61000."""
    scale = 10 ** max(len(str(n)) - 2, 0)
    return max(n // scale * scale, 1)


def _greater_than(n: int) -> bytes:
    """A pattern matching a whole number above ``n`` written without leading zeros."""
    digits = str(n).encode()
    longer = rb"[1-9][0-9]{%d,}" % len(digits)
    same = [
        re.escape(digits[:i]) + b"[" + bytes([d + 1]) + b"-9][0-9]{%d}" % (len(digits) - i - 1)
        for i, d in enumerate(digits)
        if d < ord("9") and not (i == 0 and n == 0)
    ]
    return b"(?:" + b"|".join([longer, *same]) + b")" if n else rb"[1-9][0-9]*"


def _address(raw: bytes) -> tuple[int, int] | None:
    """A cell address as python-calamine reads it (letters, then digits; any case), 1-based; None when
    it is not one (calamine then refuses the sheet itself)."""
    match = _ADDRESS.fullmatch(raw)
    if match is None:
        return None
    return int(match.group(2)), column_number(match.group(1).decode("ascii"))


class SheetScan:
    """One worksheet part's bytes, scanned for what a reader of values cannot see."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml

    def formulas_without_value(self) -> frozenset[Position]:
        """The cells holding a formula saved without a computed value (by a program that does not calculate)."""
        xml = self.xml
        found: set[Position] = set()
        # From each formula tag back to its cell: a big sheet has millions of cells and a handful
        # of formulas, so the cells are never scanned one by one.
        at = xml.find(b"<f")
        while at != -1:
            cell = xml.rfind(b'<c r="', 0, at)
            match = _FORMULA_WITHOUT_VALUE.match(xml, cell) if cell != -1 else None
            if match is not None and match.end() > at:
                found.add((int(match.group(2)) - 1, index_of(match.group(1).decode())))
            at = xml.find(b"<f", at + 2)
        return frozenset(found)

    def error_cells(self) -> dict[Position, str]:
        """The cells showing an error value (``#N/A``, ``#DIV/0!``), which python-calamine reads as empty."""
        xml = self.xml
        found: dict[Position, str] = {}
        at = xml.find(b't="e"')
        while at != -1:
            cell = xml.rfind(b'<c r="', 0, at)
            match = _ERROR_CELL.match(xml, cell) if cell != -1 else None
            if match is not None and match.start(3) > at:
                error = match.group(3).decode("utf-8", "replace").strip()
                found[(int(match.group(2)) - 1, index_of(match.group(1).decode()))] = error
            at = xml.find(b't="e"', at + 5)
        return found

    def merged_ranges(self) -> list[Span]:
        """The merged ranges, each as its top-left and bottom-right cell."""
        start = self.xml.rfind(b"<mergeCells")
        if start == -1:
            return []
        out = []
        for match in _MERGE.finditer(self.xml, start):
            c0, r0, c1, r1 = (g.decode() for g in match.groups())
            out.append(((int(r0) - 1, index_of(c0)), (int(r1) - 1, index_of(c1))))
        return out

    def cells_outside_styles(self, columns: Iterable[int], styles: set[int]) -> frozenset[Position]:
        """The cells of ``columns`` (0-based) whose style index is not one of ``styles`` (no style counts as 0)."""
        # Style indexes compared as the digits Excel writes: one int() per cell would double the cost.
        inside = {str(s).encode() for s in styles}
        found: set[Position] = set()
        for col in set(columns):
            # One sweep per column, its letters part of the literal the search skips ahead to: a
            # pattern for several columns would stop at every cell of the sheet. "A" followed by
            # digits is never the start of "AB".
            letters = re.escape(letters_at(col).encode())
            pattern = re.compile(rb'<c r="' + letters + rb'(\d+)"(?:[^>]*?\ss="(\d+)")?')
            found.update(
                (int(row) - 1, col)
                for row, style in pattern.findall(self.xml)
                if (style or b"0") not in inside
            )
        return frozenset(found)

    def extent(self, *, styled_blanks: bool = False) -> Extent:
        """How far the cells reach that a reader of values allocates room for (never the ``<dimension>``).

        A cell written ``<c r="B7" s="3"/>`` holds no value and python-calamine skips it; it counts
        only with ``styled_blanks``. Every other cell counts, even one whose value is empty.
        """
        if self._written_the_usual_way():
            found = self._fast_extent(styled_blanks)
            if found is not None:
                return found
        return self._walked_extent(styled_blanks)

    def _written_the_usual_way(self) -> bool:
        """True when every cell tag starts ``<c r="`` (an address with another attribute before it, a
        cell without one, or a prefixed tag would escape the sweeps)."""
        return _UNUSUAL_CELL.search(self.xml) is None and _PREFIXED_CELL.search(self.xml) is None

    def _cell_end(self, styled_blanks: bool) -> bytes:
        # The rest of a cell's tag: any tag, or one that is not self-closing (a cell that may hold a
        # value); quoted attributes may hold '>' and '/'.
        return rb'"' if styled_blanks else rb"\"(?:[^>\"']|\"[^\"]*\"|'[^']*')*(?<!/)>"

    def _fast_extent(self, styled_blanks: bool) -> Extent | None:
        """The extent of a sheet whose every cell is written ``<c r="B7"``, in one sweep; None for a sheet
        with no cells near its start (then the walk is as quick)."""
        xml, end = self.xml, self._cell_end(styled_blanks)
        cell = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)' + end)
        # A first guess: the widest of the first cells (a header row names every column) and the
        # last cell's row (rows are written in order). The first cell at the widest column and the
        # last cell are where the sweeps of earlier versions stopped, so the far cells named in a
        # refusal stay the same.
        data = xml.find(b"<sheetData")
        head_end = (max(data, 0)) + _HEAD_BYTES
        last_col, far_column = 0, ""
        for match in cell.finditer(xml, max(data, 0), head_end):
            col = column_number(match.group(1).decode("ascii"))
            if col > last_col:
                last_col, far_column = col, (match.group(1) + match.group(2)).decode("ascii").upper()
        found = _last_match(xml, cell)
        if found is None:
            return Extent(0, 0)
        if not last_col:
            return None
        last_row, far_row = int(found.group(2)), (found.group(1) + found.group(2)).decode("ascii").upper()
        # One sweep finds every cell past the guess: a column beyond it, or a row near or below
        # the last (rows within a hundredth of the last one are looked at, the rest skipped).
        floor = _round_down(last_row)
        beyond = re.compile(
            rb'<c r="(?=(?:'
            + _letters_after(last_col)
            + rb")[0-9]|[A-Za-z]++0*+"
            + _greater_than(floor - 1)
            + rb'")([A-Za-z]+)([0-9]+)'
            + end
        )
        for match in beyond.finditer(xml):
            letters, digits = match.group(1), match.group(2)
            col, row = column_number(letters.decode("ascii")), int(digits)
            if col > last_col:
                last_col, far_column = col, (letters + digits).decode("ascii").upper()
            if row > last_row:
                last_row, far_row = row, (letters + digits).decode("ascii").upper()
        return Extent(last_row, last_col, _normal(far_row), _normal(far_column))

    def _walked_extent(self, styled_blanks: bool) -> Extent:
        """The extent found tag by tag, placing cells without an address after the cell before them and
        rows without a number after the row before them, as python-calamine does."""
        row_index, col_index = 0, 0  # 0-based, as calamine keeps them
        last_row = last_col = 0
        far_row = far_column = ""
        for match in _TAG.finditer(self.xml):
            closing, name, attrs = match.group(1), match.group(2), match.group(3)
            self_closing = attrs.endswith(b"/")
            if name == b"row":
                if not closing:
                    number = _R_ATTR.search(attrs)
                    raw = (number.group(1) or number.group(2) or b"") if number else b""
                    digits = raw.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                    if digits.isdigit() and int(digits) > 0:  # a column before the number is ignored
                        row_index = int(digits) - 1
                if closing or self_closing:  # a row written <row r="5"/> ends where it starts
                    row_index, col_index = row_index + 1, 0
                continue
            if closing:
                continue
            # A cell without a value (<c r="B7" s="1"/>) still moves the place of the next one.
            address = _R_ATTR.search(attrs)
            if address is not None:
                place = _address(address.group(1) or address.group(2) or b"")
                if place is None:
                    continue
                row, col = place
                col_index = col - 1
            else:
                row, col = row_index + 1, col_index + 1
            col_index += 1
            if self_closing and not styled_blanks:
                continue
            if row > last_row:
                last_row, far_row = row, cell_ref(row, col)
            if col > last_col:
                last_col, far_column = col, cell_ref(row, col)
        return Extent(last_row, last_col, far_row, far_column)

    def used_extent(self) -> tuple[int, int]:
        """How many rows and columns really hold cells, styled blanks included (the last of each,
        1-based); ``<dimension>`` is not believed."""
        found = self.extent(styled_blanks=True)
        return found.rows, found.columns


def _last_match(xml: bytes, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
    """The last match of ``pattern`` in ``xml``, looked for in ever larger stretches of its end."""
    size = 1 << 16
    while True:
        start = max(0, len(xml) - size)
        last = None
        for last in pattern.finditer(xml, start):  # noqa: B007 - the last one is wanted
            pass
        if last is not None or start == 0:
            return last
        size *= 8


def _normal(ref: str) -> str:
    """A cell name with leading zeros dropped from its row: ``A007`` -> ``A7``."""
    letters = ref.rstrip("0123456789")
    return f"{letters}{int(ref[len(letters) :])}"


def percent_styles(styles_xml: bytes | str) -> set[int]:
    """Indexes of the cell formats (``cellXfs`` in styles.xml) whose number format shows a percentage."""
    text = styles_xml.decode("utf-8", "replace") if isinstance(styles_xml, bytes) else styles_xml
    custom = {
        int(m.group(1))
        for m in re.finditer(r'<numFmt [^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', text)
        # A % inside quotes or after a backslash is a literal character, not the percent format.
        if "%" in re.sub(r'"[^"]*"|\\.', "", m.group(2).replace("&quot;", '"'))
    }
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", text, re.S)
    found = set()
    if xfs:
        for i, xf in enumerate(re.finditer(r"<xf\b([^>]*?)(?:/>|>)", xfs.group(1))):
            num = re.search(r'numFmtId="(\d+)"', xf.group(1))
            if num and (int(num.group(1)) in _BUILTIN_PERCENT or int(num.group(1)) in custom):
                found.add(i)
    return found
