"""A fast byte-level scan of a worksheet part, for what python-calamine does not tell.

Formula cells saved without a cached value, merged ranges, the styles of the cells of given columns
and the sheet's real used extent, found in the part's bytes without parsing them: a 100,000-row
sheet holds millions of cells, and an XML parse of it costs seconds. Positions are 0-based (row,
column), as python-calamine counts. The scan assumes what every writer of worksheets does: cells
carry their ``r="B7"`` address, and the attributes are quoted with ``"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from partnerkit.io.ooxml.refs import column_number, index_of, letters_at

Position = tuple[int, int]
Span = tuple[Position, Position]

_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>'
)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CELL_AT = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_LAST_ROW = re.compile(rb'<row r="(\d+)"')
_BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%


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
        index = {letters_at(c).encode(): c for c in set(columns)}
        if not index:
            return frozenset()
        # Later columns (longer letters) first, so that "AB" is not read as "A" and a row number.
        ordered: list[bytes] = sorted(index, key=index.__getitem__, reverse=True)
        letters = b"|".join(ordered)
        pattern = re.compile(rb'<c r="(' + letters + rb')(\d+)"(?:[^>]*?\ss="(\d+)")?')
        # Style indexes compared as the digits Excel writes: one int() per cell would double the cost.
        inside = {str(s).encode() for s in styles}
        return frozenset(
            (int(row) - 1, index[col])
            for col, row, style in pattern.findall(self.xml)
            if (style or b"0") not in inside
        )

    def used_extent(self) -> tuple[int, int]:
        """How many rows and columns really hold cells (the last of each, 1-based); ``<dimension>`` is not believed."""
        xml = self.xml
        last_row = 0
        at = xml.rfind(b"<row ")
        while at != -1:
            match = _LAST_ROW.match(xml, at)
            if match is not None and xml.find(b"<c ", at) != -1:
                last_row = int(match.group(1))
                break
            at = xml.rfind(b"<row ", 0, at)
        last_col = 0
        # The last cell of each row is its rightmost: look just before every row's end.
        end = xml.find(b"</row>")
        start = 0
        while end != -1:
            cell = xml.rfind(b'<c r="', start, end)
            if cell != -1:
                match = _CELL_AT.match(xml, cell)
                if match is not None:
                    last_col = max(last_col, column_number(match.group(1).decode()))
            start = end
            end = xml.find(b"</row>", end + 6)
        return last_row, last_col


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
