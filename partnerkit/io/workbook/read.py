"""Read a planning workbook (.xlsx/.xlsm) into a Plan with python-calamine, every problem on its cell.

Before calamine sees the file, the zip is checked: what the file really is (a CSV, an HTML page, a
legacy .xls, a Word document, an encrypted workbook each get one sentence), and how big it inflates.
"""

from __future__ import annotations

import contextlib
import gc
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from partnerkit.errors import UnreadableFileError
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.tables import CellLocator, TableData, read_plan
from partnerkit.io.xlsxpatch.sniff import describe_head
from partnerkit.loaded import LoadedPlan
from partnerkit.model import Plan
from partnerkit.problems import Problem, Severity

# A planning workbook with 100,000 partners is about 30 MB unpacked; refuse what is far beyond that.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 200  # a zip entry that inflates more than this is a bomb, not a spreadsheet
MAX_ROWS = 250_000
MAX_COLUMNS = 200
MAX_FILE_BYTES = 200 * 1024 * 1024

# What a damaged zip or XML can raise from the standard library while it is read.
_DAMAGED: tuple[type[Exception], ...] = (
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    NotImplementedError,
    ValueError,
    UnicodeError,
)


def check_workbook_file(path: Path) -> None:
    """Raise UnreadableFileError, in one sentence, unless ``path`` looks like a sane .xlsx/.xlsm."""
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such file")
    if path.is_dir():
        raise UnreadableFileError(f"{path}: is a folder, not a workbook")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            # Enough of the file to find an OLE file's stream names (encrypted or legacy .xls).
            head = handle.read(512 * 1024)
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFileError(
            f"{path}: is {size / 1_048_576:.0f} MB, more than a planning workbook can be"
        )
    # One description of wrong files for the reader and for sync (io/xlsxpatch/sniff.py).
    sentence = describe_head(head, path)
    if sentence:
        raise UnreadableFileError(f"{path}: {sentence}")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except _DAMAGED as exc:
        raise UnreadableFileError(
            f"{path}: is a damaged or truncated zip file ({exc}), not a readable workbook"
        ) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableFileError(
            f"{path}: unpacks to {total / 1_048_576:.0f} MB, more than a planning workbook can be"
        )
    for info in infos:
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 10_000_000
        ):
            raise UnreadableFileError(
                f"{path}: {info.filename} inflates {info.file_size // info.compress_size}-fold; refusing a zip bomb"
            )


class _Styles:
    """What calamine does not tell: percentage formats, uncalculated formulas and merged cells, from the XML."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._percent_styles: set[int] | None = None
        self._sheet_parts: dict[str, str] | None = None
        self._xml: dict[str, bytes] = {}

    def _sheet_xml(self, sheet: str) -> bytes:
        if sheet not in self._xml:
            data = b""
            try:
                with zipfile.ZipFile(self.path) as archive:
                    if self._sheet_parts is None:
                        self._sheet_parts = sheet_parts(archive)
                    if self._percent_styles is None:
                        styles = archive.read("xl/styles.xml").decode("utf-8", "replace")
                        self._percent_styles = _percent_styles(styles)
                    part = self._sheet_parts.get(sheet)
                    if part is not None:
                        data = archive.read(part)
            except _DAMAGED:
                data = b""
            self._xml[sheet] = data
        return self._xml[sheet]

    def scan(
        self, sheet: str
    ) -> tuple[frozenset[tuple[int, int]], list[tuple[tuple[int, int], tuple[int, int]]]]:
        """Formula cells saved without a computed value, and merged ranges, of ``sheet`` (0-based)."""
        xml = self._sheet_xml(sheet)
        uncalculated: set[tuple[int, int]] = set()
        # From each formula tag back to its cell: a 100,000-row sheet has millions of cells and a
        # handful of formulas (data validation ones too), so the cells are never scanned one by one.
        at = xml.find(b"<f")
        while at != -1:
            cell = xml.rfind(b'<c r="', 0, at)
            match = _FORMULA_WITHOUT_VALUE.match(xml, cell) if cell != -1 else None
            if match is not None and match.end() > at:
                uncalculated.add((int(match.group(2)) - 1, _col_index(match.group(1).decode())))
            at = xml.find(b"<f", at + 2)
        merged = []
        start = xml.rfind(b"<mergeCells")
        if start != -1:
            for match in _MERGE.finditer(xml, start):
                c0, r0, c1, r1 = (g.decode() for g in match.groups())
                merged.append(((int(r0) - 1, _col_index(c0)), (int(r1) - 1, _col_index(c1))))
        return frozenset(uncalculated), merged

    def oracle(self, sheet: str, columns: list[int]) -> Callable[[int, int], bool | None]:
        """A function telling, for a 0-based (row, column) holding a number, whether it shows a percentage."""

        @cache
        def not_percent() -> frozenset[tuple[int, int]]:
            xml = self._sheet_xml(sheet)
            styles = self._percent_styles or set()
            letters = b"|".join(L.column_letter(c).encode() for c in columns)
            pattern = re.compile(rb'<c r="(' + letters + rb')(\d+)"(?:[^>]*?\ss="(\d+)")?')
            return frozenset(
                (int(row) - 1, _col_index(col.decode()))
                for col, row, style in pattern.findall(xml)
                if not style or int(style) not in styles
            )

        def oracle(row: int, col: int) -> bool | None:
            return (row, col) not in not_percent()

        return oracle


_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>'
)


_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


_BUILTIN_PERCENT = {9, 10}


def _percent_styles(styles_xml: str) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percentage."""
    custom = {
        int(m.group(1))
        for m in re.finditer(r'<numFmt [^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', styles_xml)
        if "%" in re.sub(r'"[^"]*"|\\.', "", m.group(2).replace("&quot;", '"'))
    }
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles_xml, re.S)
    found = set()
    if xfs:
        for i, xf in enumerate(re.finditer(r"<xf\b([^>]*?)(?:/>|>)", xfs.group(1))):
            num = re.search(r'numFmtId="(\d+)"', xf.group(1))
            if num and (int(num.group(1)) in _BUILTIN_PERCENT or int(num.group(1)) in custom):
                found.add(i)
    return found


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the zip part that holds it (``xl/worksheets/sheet2.xml``)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for rel in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group(1)))
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"]
            targets[attrs["Id"]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = {}
    for sheet in re.finditer(r"<sheet\b([^>]*)/?>", workbook):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', sheet.group(1)))
        rid = attrs.get("r:id")
        if rid in targets:
            parts[_unescape(attrs.get("name", ""))] = targets[rid]
    return parts


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def read_tables(path: Path) -> tuple[dict[str, TableData], list[Problem]]:
    """Every table of the layout found in the workbook, read with calamine; missing tables are problems."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_workbook_file(path)
    problems: list[Problem] = []
    try:
        book = CalamineWorkbook.from_path(str(path), load_tables=True)
    except CalamineError as exc:
        raise UnreadableFileError(f"{path}: cannot be read as a workbook ({exc})") from None
    except (OSError, ValueError) as exc:
        raise UnreadableFileError(f"{path}: cannot be read as a workbook ({exc})") from None
    styles = _Styles(path)
    damaged: tuple[type[Exception], ...] = (CalamineError, *_DAMAGED)
    found: dict[str, TableData] = {}
    try:
        names = set(book.table_names or [])
        scanned: dict[str, tuple[frozenset[tuple[int, int]], list[Any]]] = {}
        for table in L.INPUT_TABLES:
            if table.name not in names:
                problems.append(
                    Problem(
                        f"the workbook has no table named {table.name!r} (on the {table.sheet} sheet); "
                        "rebuild it with 'partnerkit workbook new' and copy your rows over",
                        location=f"{path.name}",
                        code="workbook",
                        severity=Severity.WARNING if table.name in L.OPTIONAL_TABLES else Severity.ERROR,
                    )
                )
                continue
            read = book.get_table_by_name(table.name)
            start = read.start
            if start is None:
                continue
            top, left = start[0] - 1, start[1]
            headers = [str(h) for h in read.columns]
            if len(headers) > MAX_COLUMNS:
                raise UnreadableFileError(
                    f"{path}: table {table.name} has {len(headers)} columns; at most {MAX_COLUMNS}"
                )
            if read.height > MAX_ROWS:
                raise UnreadableFileError(
                    f"{path}: table {table.name} has {read.height:,} rows; partnerkit reads at most {MAX_ROWS:,}"
                )
            rows = read.to_python()
            if read.sheet not in scanned:
                scanned[read.sheet] = styles.scan(read.sheet)
            uncalculated, merged = scanned[read.sheet]
            _fill_merged(rows, merged, top + 1, left)
            percent_cols = [
                left + i
                for i, h in enumerate(headers)
                if any(
                    c.header.casefold() == h.replace("\u00a0", " ").strip().casefold()
                    and (c.kind in (L.Kind.PERCENT, L.Kind.METRIC))
                    for c in table.columns
                )
            ]
            if table.key_value:
                percent_cols = [left + 1]
            found[table.name] = TableData(
                table.name,
                read.sheet,
                headers,
                rows,
                top,
                left,
                styles.oracle(read.sheet, percent_cols) if percent_cols else None,
                uncalculated,
            )
    except damaged as exc:
        raise UnreadableFileError(
            f"{path}: is a damaged workbook ({exc}); open it in Excel to repair it, or use its backup"
        ) from None
    finally:
        book.close()
    return found, problems


def _fill_merged(rows: list[list[Any]], ranges: list[Any], first_row: int, first_col: int) -> None:
    """A merged cell's value counts for every cell it covers (calamine gives it to the first only)."""
    for (r0, c0), (r1, c1) in ranges:
        if r0 - first_row < 0 and r1 - first_row < 0:
            continue
        anchor_r, anchor_c = r0 - first_row, c0 - first_col
        value = None
        if 0 <= anchor_r < len(rows) and 0 <= anchor_c < len(rows[anchor_r]):
            value = rows[anchor_r][anchor_c]
        for r in range(max(r0 - first_row, 0), min(r1 - first_row + 1, len(rows))):
            for c in range(max(c0 - first_col, 0), min(c1 - first_col + 1, len(rows[r]))):
                if rows[r][c] in (None, ""):
                    rows[r][c] = value


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building a large plan: the data holds no cycles, and on
    100,000 rows the collector's repeated passes over millions of new objects cost more than the read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_workbook_plan(path: str | Path) -> LoadedPlan:
    """Read a planning workbook: the plan if usable, every problem on its cell, and the cell locator.

    Raises UnreadableFileError for a file that is not a readable workbook at all.
    """
    path = Path(path)
    with paused_gc():
        tables, problems = read_tables(path)
        return plan_from_read_tables(tables, problems, path.name)


def plan_from_read_tables(tables: dict[str, TableData], problems: list[Problem], source: str) -> LoadedPlan:
    """The loaded plan of tables read from a workbook (by calamine or through Excel), with their problems."""
    read = read_plan(tables, source)
    found = [*problems, *read.problems]
    plan = None if any(p.is_error for p in found) else read.plan
    return LoadedPlan(plan, found, CellLocator(read.refs, source))


def load_plan_from_workbook(path: str | Path) -> tuple[Plan | None, list[Problem]]:
    """Read a planning workbook: the plan if usable, and every problem located as ``Partners!D17``.

    Raises UnreadableFileError for a file that is not a readable workbook at all.
    """
    loaded = load_workbook_plan(path)
    return loaded.plan, loaded.problems
