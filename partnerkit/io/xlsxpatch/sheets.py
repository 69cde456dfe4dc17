"""Edits inside one worksheet part: result cells of table columns, or the whole rows of an owned sheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.refs import (
    MAX_COLS,
    MAX_ROWS,
    cell_ref,
    column_letters,
    column_number,
    column_of,
    parse_range,
    parse_ref,
    range_ref,
)
from partnerkit.io.ooxml.xml import MAIN_NS, parse_xml, q, serialize_xml
from partnerkit.io.xlsxpatch.cells import CellTexts, CellValue, fill_cell, new_cell

_ROW_LOOK = ("s", "customFormat", "ht", "customHeight")  # what a new row borrows from the row above
_NO_STYLES: dict[int, str] = {}


def _cell_col(cell: Any, previous: int) -> int:
    """The column of a ``<c>``; a cell without an address follows the one before it."""
    ref = cell.get("r")
    if ref:
        return column_of(ref)
    return previous + 1


_C = q("c")
_F = q("f")
_DIGITS = "0123456789"


def _attr(value: str) -> str:
    # As lxml writes an attribute, so a row written as text reads back as the row it copies.
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _widen_spans(row: Any, col: int) -> None:
    """Keep the row's optional column-span hint true after a cell is added to it."""
    spans = row.get("spans")
    if spans is None:
        return
    lo, sep, hi = spans.partition(":")
    if sep and lo.isdigit() and hi.isdigit():
        row.set("spans", f"{min(int(lo), col)}:{max(int(hi), col)}")
    else:  # several spans, or a form we do not know: a hint only, and a stale one is worse than none
        del row.attrib["spans"]


class SheetEdit:
    """One worksheet part being edited in place (as a parsed tree); every edit goes through here."""

    def __init__(self, tree: Any, sheet_name: str, date1904: bool) -> None:
        self.tree = tree
        self.root = tree.getroot()
        self.name = sheet_name
        self.date1904 = date1904
        data = self.root.find(q("sheetData"))
        if data is None:
            raise WorkbookError(f"sheet {sheet_name} has no cell data part; it is damaged")
        self.data = data
        self.rows: dict[int, Any] = {}
        self.removed_formulas: set[str] = set()  # addresses whose formula is gone (for calcChain)
        self.cells_written = 0
        self._needs_sort = False
        # Rows of an owned sheet kept as text and spliced into the part when it is written: parsing
        # them into elements only to serialize them again costs more than writing them.
        self._rows_text: str | None = None
        self._rows_extent: tuple[int, int, int, int] | None = None  # top, left, bottom, right
        self._index_rows()

    # -- reading the sheet as it is -------------------------------------------------------------
    def _index_rows(self) -> None:
        previous = 0
        for row in self.data.iterchildren(q("row")):
            r = int(row.get("r") or previous + 1)
            if not 1 <= r <= MAX_ROWS:
                raise WorkbookError(f"sheet {self.name} has a row numbered {r}, outside Excel's grid")
            row.set("r", str(r))  # an explicit number is what the row meant; we may insert beside it
            self.rows[r] = row
            previous = r

    def _cells(self, row: Any) -> dict[int, Any]:
        out: dict[int, Any] = {}
        col = 0
        for cell in row.iterchildren(_C):
            ref = cell.get("r")
            # column_of, inlined: this runs for every cell of every row a column is written into
            col = column_number(ref.rstrip(_DIGITS).rstrip("$")) if ref else col + 1
            out[col] = cell
        return out

    def _styles(self, row: Any) -> dict[int, str]:
        """The style of each cell of a row that has one, by column (the cell ``_cells`` keeps there)."""
        return {col: style for col, cell in self._cells(row).items() if (style := cell.get("s"))}

    def _extent(self, row: Any) -> list[int]:
        """The first and last column of a row's cells (cells are in column order, as Excel keeps them)."""
        first = row.find(_C)
        if first is None:
            return []
        last = next(row.iterchildren(_C, reversed=True))
        if first.get("r") and last.get("r"):
            return [column_of(first.get("r")), column_of(last.get("r"))]
        return list(self._cells(row))

    def _position(self, cell: Any) -> tuple[int, int]:
        ref = cell.get("r")
        if ref:
            return parse_ref(ref)
        row = cell.getparent()
        col = 0
        for other in row.iterchildren(q("c")):
            col = _cell_col(other, col)
            if other is cell:
                break
        return int(row.get("r")), col

    def _col_styles(self) -> dict[int, str]:
        out: dict[int, str] = {}
        cols = self.root.find(q("cols"))
        for col in cols if cols is not None else ():
            style = col.get("style")
            if style is None:
                continue
            lo, hi = int(col.get("min", "1")), int(col.get("max", "1"))
            for c in range(lo, min(hi, MAX_COLS) + 1):
                out[c] = style
        return out

    # -- writing result columns ----------------------------------------------------------------
    def guard_formulas(self, first_row: int, last_row: int, cols: set[int]) -> None:
        """Refuse to cut an array formula; hand shared formulas over to a cell that keeps them.

        The cells about to be overwritten are rows ``first_row..last_row`` of the columns ``cols``.
        """

        def overwritten(pos: tuple[int, int]) -> bool:
            return first_row <= pos[0] <= last_row and pos[1] in cols

        groups: dict[str, list[tuple[tuple[int, int], Any]]] = {}
        for f in self.data.iter(q("f")):
            cell = f.getparent()
            pos = self._position(cell)
            kind = f.get("t")
            if kind in ("array", "dataTable") and f.get("ref"):
                top, left, bottom, right = parse_range(f.get("ref"))
                rows_meet = top <= last_row and bottom >= first_row
                touched = rows_meet and any(left <= c <= right for c in cols)
                inside = first_row <= top and bottom <= last_row and right - left < len(cols)
                inside = inside and all(c in cols for c in range(left, right + 1))
                if touched and not inside:
                    raise WorkbookError(
                        f"{self.name}!{cell_ref(*pos)} is part of the array formula in {f.get('ref')}, "
                        "which sync would cut in two; move that formula out of partnerkit's columns"
                    )
            elif kind == "shared" and f.get("si") is not None:
                groups.setdefault(f.get("si"), []).append((pos, f))
            if overwritten(pos):
                self.removed_formulas.add(cell_ref(*pos))
        for members in groups.values():
            masters = [(pos, f) for pos, f in members if f.get("ref") is not None]
            if not masters or not overwritten(masters[0][0]):
                continue
            keep = sorted(((pos, f) for pos, f in members if not overwritten(pos)), key=lambda m: m[0])
            if keep:
                self._promote(masters[0], keep)

    def _promote(self, master: tuple[tuple[int, int], Any], keep: list[tuple[tuple[int, int], Any]]) -> None:
        # The shared formula's text lives only in its first cell; move it to the first cell that stays.
        from openpyxl.formula.translate import Translator

        (origin, old), (first, new) = master, keep[0]
        text = Translator(f"={old.text or ''}", origin=cell_ref(*origin)).translate_formula(cell_ref(*first))
        new.text = text[1:]
        rows = [pos[0] for pos, _ in keep]
        cols = [pos[1] for pos, _ in keep]
        new.set("ref", range_ref(min(rows), min(cols), max(rows), max(cols)))

    def _row(self, r: int) -> Any:
        row = self.rows.get(r)
        if row is None:
            row = etree.SubElement(self.data, q("row"), r=str(r))
            self.rows[r] = row
            self._needs_sort = True
        return row

    def write_columns(self, first_row: int, columns: Sequence[tuple[int, Sequence[CellValue]]]) -> None:
        """Write each (column, values) pair down from ``first_row``, keeping each cell's style."""
        col_styles = self._col_styles()
        count = max((len(values) for _, values in columns), default=0)
        for offset in range(count):
            r = first_row + offset
            row = self._row(r)
            cells = self._cells(row)
            for col, values in columns:
                cell = cells.get(col)
                value = values[offset]
                if cell is None:
                    style = row.get("s") if row.get("customFormat") in ("1", "true") else col_styles.get(col)
                    if style is None and (value is None or value == ""):
                        continue  # nothing to show and nothing to format: no cell at all
                    cell = new_cell(r, col, style)
                    after = min((k for k in cells if k > col), default=None)
                    if after is not None:
                        cells[after].addprevious(cell)
                    else:
                        row.append(cell)
                    cells[col] = cell
                    _widen_spans(row, col)
                    ref = cell.get("r")
                else:
                    ref = cell_ref(r, col)
                    cell.set("r", ref)
                fill_cell(cell, value, where=f"{self.name}!{ref}", date1904=self.date1904)
                self.cells_written += 1

    # -- replacing an owned sheet --------------------------------------------------------------
    def replace_rows(self, rows: Sequence[Sequence[CellValue]], first_row: int = 1) -> None:
        """Replace every row from ``first_row`` down with ``rows``, each cell keeping the old cell's style.

        Rows above ``first_row`` stay as they are. A cell without an old cell at its place takes the
        style of the cell in the last old data row, else its column's style.
        """
        if first_row - 1 + len(rows) > MAX_ROWS:
            raise WorkbookError(f"{len(rows):,} rows do not fit on sheet {self.name}")
        old_styles: dict[int, dict[int, str]] = {}
        old_attrs: dict[int, dict[str, str]] = {}
        for r, row in self.rows.items():
            if r < first_row:
                continue
            old_attrs[r] = {k: v for k, v in row.attrib.items() if k not in ("r", "spans")}
            old_styles[r] = self._styles(row)
        for f in self.data.iter(_F):  # one walk of the sheet, not one per row
            cell = f.getparent()
            if int(cell.getparent().get("r")) >= first_row:
                self.removed_formulas.add(cell_ref(*self._position(cell)))
        col_styles = self._col_styles()
        data_rows = [r for r in old_styles if r > first_row]
        template = max(data_rows) if data_rows else None
        for row in list(self.data):  # one by one: lxml detaches a row at a time faster than a subtree
            if row.tag != q("row") or int(row.get("r") or 0) >= first_row:
                self.data.remove(row)
        self.rows = {r: row for r, row in self.rows.items() if r < first_row}
        # The new rows as text (a 10,000-row sheet in a fraction of the element-by-element time).
        parts: list[str] = []
        letters = [column_letters(c) for c in range(1, max((len(v) for v in rows), default=0) + 1)]
        texts = CellTexts(self.name, self.date1904)
        # Each cell's style attribute by column, worked out once per set of old styles a row takes
        # (most rows take the last old data row's) rather than once per cell.
        looks: dict[tuple[int, bool], list[str | None]] = {}
        top = left = bottom = right = written = 0
        for i, values in enumerate(rows):
            r = first_row + i
            if len(values) > MAX_COLS:
                raise WorkbookError(f"row {r} for sheet {self.name} has more columns than Excel allows")
            if r in old_attrs:
                attrs = old_attrs[r]
            elif template is not None:
                attrs = {k: v for k, v in old_attrs[template].items() if k in _ROW_LOOK}
            else:
                attrs = {}
            parts.append(f'<row r="{r}"' + "".join(self._row_attrs(attrs)) + ">")
            styles = old_styles.get(r) or (
                (old_styles.get(template) or _NO_STYLES) if template and i > 0 else _NO_STYLES
            )
            key = (id(styles), i > 0)  # the dicts of old_styles and _NO_STYLES live through the loop
            look = looks.get(key)
            if look is None:  # as wide as the widest row (``letters``): every row fits
                look = looks[key] = [
                    None if style is None else f' s="{style}"'
                    for c in range(1, len(letters) + 1)
                    for style in [styles.get(c) or (col_styles.get(c) if i > 0 else None)]
                ]
            first_col = last_col = 0
            row_number = str(r)
            for c, value in enumerate(values):
                style_attr = look[c]
                if value is None and style_attr is None:
                    continue
                parts.append(texts.text(letters[c] + row_number, style_attr or "", value))
                written += 1
                first_col = first_col or c + 1
                last_col = c + 1
            parts.append("</row>")
            if first_col:
                top = top or r
                bottom = r
                left = min(left, first_col) if left else first_col
                right = max(right, last_col)
        self.cells_written += written
        text = "".join(parts)
        if self.data.prefix is None:
            # The part's default namespace is SpreadsheetML's, so the unprefixed rows mean what they say.
            self._rows_text = text
            self._rows_extent = (top, left, bottom, right) if top else None
        else:
            declared = "".join(f' xmlns:{p}="{_attr(ns)}"' for p, ns in self.data.nsmap.items() if p)
            xml = f'<sheetData xmlns="{MAIN_NS}"{declared}>{text}</sheetData>'.encode()
            new_rows = list(parse_xml(xml, f"the new rows of {self.name}").getroot())
            self.data.extend(new_rows)
            self.rows.update((int(row.get("r")), row) for row in new_rows)
        merges = self.root.find(q("mergeCells"))
        if merges is not None:  # merges of the old rows go; those above the rows written stay
            for merge in list(merges):
                if parse_range(merge.get("ref", "A1"))[2] >= first_row:
                    merges.remove(merge)
            if len(merges):
                merges.set("count", str(len(merges)))
            else:
                self.root.remove(merges)

    def _row_attrs(self, attrs: dict[str, str]) -> list[str]:
        """A copied row's attributes as text; one in another namespace (x14ac:dyDescent) by its prefix."""
        out = []
        prefixes: dict[str, str] | None = None
        for key, value in attrs.items():
            if key.startswith("{"):
                if prefixes is None:
                    prefixes = {ns: p for p, ns in self.data.nsmap.items() if p}
                ns, _, local = key[1:].partition("}")
                prefix = prefixes.get(ns)
                if prefix is None:  # a namespace the part does not declare: a look only, left out
                    continue
                key = f"{prefix}:{local}"
            out.append(f' {key}="{_attr(value)}"')
        return out

    # -- bookkeeping ---------------------------------------------------------------------------
    def finish(self) -> None:
        """Put rows in order and make ``<dimension>`` tell the truth about the cells."""
        if self._needs_sort:
            ordered = sorted(self.data.iterchildren(q("row")), key=lambda row: int(row.get("r")))
            others = [el for el in self.data if el.tag != q("row")]
            self.data[:] = ordered + others
        extents = self._extents()
        top = min((r for r, _, _ in extents), default=0)
        bottom = max((r for r, _, _ in extents), default=0)
        left = min((first for _, first, _ in extents), default=0)
        right = max((last for _, _, last in extents), default=0)
        if self._rows_extent is not None:  # the rows kept as text come after every row in the tree
            r_top, r_left, r_bottom, r_right = self._rows_extent
            top = top or r_top
            bottom = r_bottom
            left = min(left, r_left) if left else r_left
            right = max(right, r_right)
        dimension = self.root.find(q("dimension"))
        ref = range_ref(top, left, bottom, right) if top else "A1"
        if dimension is not None:
            dimension.set("ref", ref)

    def _extents(self) -> list[tuple[int, int, int]]:
        """Each row with cells: its number and the columns of its first and last cell."""
        rows = [row for row in self.data.iterchildren(q("row")) if row.find(_C) is not None]
        # The first and last cell of every row at once (one XPath each), not row by row in Python;
        # a cell without an address makes the row's columns count one by one.
        ns = {"m": MAIN_NS}
        firsts = self.data.xpath("m:row[m:c]/m:c[1]/@r", namespaces=ns)
        lasts = self.data.xpath("m:row[m:c]/m:c[last()]/@r", namespaces=ns)
        if len(firsts) == len(lasts) == len(rows):
            return [
                (int(row.get("r")), column_of(first), column_of(last))
                for row, first, last in zip(rows, firsts, lasts, strict=True)
            ]
        out = []
        for row in rows:
            cols = self._extent(row)
            out.append((int(row.get("r")), min(cols), max(cols)))
        return out

    @property
    def has_text(self) -> bool:
        """Whether rows are kept as text, to be spliced in by ``serialize``."""
        return self._rows_text is not None

    def serialize(self) -> bytes:
        """The sheet part as bytes, with the rows kept as text in their place."""
        if self._rows_text is None:
            return serialize_xml(self.tree)
        marker = etree.Comment(f" partnerkit rows {id(self)} ")
        self.data.append(marker)
        try:
            data = serialize_xml(self.tree)
        finally:
            self.data.remove(marker)
        spot = f"<!--{marker.text}-->".encode()
        if data.count(spot) != 1:
            raise WorkbookError(f"sheet {self.name} could not be written; it holds partnerkit's marker text")
        return data.replace(spot, self._rows_text.encode())
