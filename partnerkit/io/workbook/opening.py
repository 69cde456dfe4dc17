"""Open a planning workbook for reading: the file checked, each sheet bounded before calamine allocates it.

Before calamine sees the file, the zip is checked: what the file really is (a CSV, an HTML page, a
legacy .xls, a Word document, an encrypted workbook each get one sentence), and how big it inflates.
Before calamine reads a sheet, its used area is measured from its real cells: calamine allocates the
whole rectangle, so a sheet past ``LIMITS.max_cells`` is refused, naming the cell that makes it huge.

A command can start this early (``start_reading``, when it has parsed its PLAN argument): the
largest table's sheet is checked and calamine starts parsing it on its own thread while the command
still imports the plan model. For a 100,000-row Partners sheet the parse takes longer than that
import, so the import costs no time. This module imports neither the model nor the layout for that
reason: the names of the tables the reader reads are written out here (a test checks them).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from partnerkit.errors import UnreadableFileError
from partnerkit.io.ooxml.errors import PackageError, unreadable_content
from partnerkit.io.ooxml.limits import WORKBOOK_LIMITS
from partnerkit.io.ooxml.package import Package
from partnerkit.io.ooxml.parts import TablePart, sheet_parts, table_parts
from partnerkit.io.ooxml.scan import SheetScan, percent_styles
from partnerkit.io.ooxml.sniff import describe_head

# One set of limits for every workbook partnerkit reads or syncs (io/ooxml/limits.py).
LIMITS = WORKBOOK_LIMITS

# The tables a plan is read from (layout.INPUT_TABLES), and those only ``workbook sync`` reads too
# (layout.PROGRAM_INPUTS), by name.
PLAN_TABLES = frozenset(
    {
        "Activities",
        "AgreementTerms",
        "Assumptions",
        "DistributionCategory",
        "EcosystemCategory",
        "FactSpecs",
        "IntegrationCategory",
        "Metrics",
        "PartnerFacts",
        "Partners",
        "Phases",
        "Product",
        "RoadmapSettings",
        "Settings",
        "Sources",
        "Strategy",
        "Targets",
        "TermOverrides",
        "TierCriteria",
        "TierProgram",
        "TierRules",
        "Tiers",
    }
)
PROGRAM_TABLES = frozenset({"Deals", "Survey"})

# A sheet smaller than this parses in less time than starting it early saves (about 5,000 rows).
EARLY_BYTES = 4 * 1024 * 1024


def check_workbook_file(path: Path) -> Package:
    """The workbook's package, its sizes checked; UnreadableFileError, in one sentence, unless ``path``
    looks like a sane .xlsx/.xlsm."""
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
    try:
        LIMITS.check_file_size(size)
        # One description of wrong files for the reader and for sync (io/ooxml/sniff.py).
        sentence = describe_head(head, path)
        if sentence:
            raise UnreadableFileError(f"{path}: {sentence}")
        return Package.open(path, LIMITS)
    except PackageError as exc:
        raise exc.naming(path, UnreadableFileError, ": ") from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None


class SheetScans:
    """What calamine does not tell: percentage formats, uncalculated formulas and merged cells, from the
    sheets' bytes (io/ooxml/scan.py)."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self._percent_styles: set[int] = set()
        self._sheet_parts: dict[str, str] | None = None
        self._scans: dict[str, SheetScan] = {}
        self._bounded: set[str] = set()

    def _parts(self) -> dict[str, str]:
        if self._sheet_parts is None:
            self._sheet_parts = sheet_parts(self.package)
            styles = self.package.find("xl/styles.xml")
            if styles is not None:
                self._percent_styles = percent_styles(self.package.read(styles))
        return self._sheet_parts

    def _scan(self, sheet: str) -> SheetScan:
        if sheet not in self._scans:
            part = self._parts().get(sheet)
            self._scans[sheet] = SheetScan(self.package.read(part) if part is not None else b"")
        return self._scans[sheet]

    def size(self, sheet: str) -> int:
        """How many bytes ``sheet``'s part inflates to (0 for a sheet without a part)."""
        part = self._parts().get(sheet)
        return self.package.entry(part).file_size if part is not None else 0

    def forget(self, sheet: str) -> None:
        """Let go of ``sheet``'s bytes (tens of megabytes for a large sheet) once it is scanned."""
        self._scans.pop(sheet, None)

    def check_extent(self, sheet: str) -> None:
        """Refuse ``sheet`` (RefusedPackage) when its used area is past the limit, before calamine reads it."""
        if sheet not in self._bounded:
            LIMITS.check_extent(sheet, self._scan(sheet).extent())
            self._bounded.add(sheet)

    def sheet_names(self) -> list[str]:
        """Every worksheet's name."""
        return list(self._parts())

    def scan(
        self, sheet: str
    ) -> tuple[
        frozenset[tuple[int, int]], dict[tuple[int, int], str], list[tuple[tuple[int, int], tuple[int, int]]]
    ]:
        """Formula cells saved without a computed value, cells showing an error, and merged ranges, of
        ``sheet`` (0-based)."""
        scan = self._scan(sheet)
        return scan.formulas_without_value(), scan.error_cells(), scan.merged_ranges()

    def oracle(self, sheet: str, columns: list[int]) -> Callable[[int, int], bool | None]:
        """A function telling, for a 0-based (row, column) holding a number, whether it shows a percentage.

        The sheet is scanned now: the function keeps the cells found, not the sheet's bytes.
        """
        not_percent = self._scan(sheet).cells_outside_styles(columns, self._percent_styles)

        def oracle(row: int, col: int) -> bool | None:
            return (row, col) not in not_percent

        return oracle


@dataclass
class OpenWorkbook:
    """A workbook open for reading: its checked package, calamine's book, the sheets' scans, the one
    thread every calamine call runs on, and the tables whose parse has started, by name."""

    package: Package
    book: Any
    names: frozenset[str]  # calamine's table names, asked before any parse: it cannot answer during one
    scans: SheetScans
    tables: dict[str, TablePart]
    pool: ThreadPoolExecutor
    parsing: dict[str, Future[Any]] = field(default_factory=dict)

    def parse(self, name: str) -> Future[Any]:
        """The parse of table ``name``: the one started early, or one started now.

        Every call goes through the one thread, in order: calamine's book is never used by two
        threads at once.
        """
        started = self.parsing.pop(name, None)
        return started if started is not None else self.pool.submit(self.book.get_table_by_name, name)

    def close(self) -> None:
        """Wait for the calamine thread and close the book."""
        self.pool.shutdown()
        self.book.close()


def open_workbook(path: Path) -> OpenWorkbook:
    """The workbook at ``path`` open for reading, its package checked (UnreadableFileError otherwise)."""
    from python_calamine import CalamineError, CalamineWorkbook

    package = check_workbook_file(path)
    try:
        # calamine reads the very bytes whose sizes were checked, not the file again.
        book = CalamineWorkbook.from_filelike(io.BytesIO(package.data), load_tables=True)
    except (CalamineError, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path}: cannot be read as a workbook: {unreadable_content(exc)}; open it in Excel to repair it"
        ) from None
    try:
        tables = table_parts(package)
    except PackageError as exc:
        book.close()
        raise exc.naming(path, UnreadableFileError, ": ") from None
    names = frozenset(str(name) for name in book.table_names or [])
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine")
    return OpenWorkbook(package, book, names, SheetScans(package), tables, pool)


# --- starting early ----------------------------------------------------------------------------------

_started: dict[tuple[str, int, int], OpenWorkbook] = {}
_lock = threading.Lock()


def _key(path: Path) -> tuple[str, int, int] | None:
    """The file as it is now: a started read is used only for the same file, unchanged."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (os.path.realpath(path), stat.st_size, stat.st_mtime_ns)


def start_reading(path: Path, tables: Collection[str] = PLAN_TABLES, *, min_bytes: int | None = None) -> bool:
    """Start parsing the largest of ``tables`` in the workbook at ``path`` on calamine's thread, its sheet
    bounded first; True when it started.

    Never raises: a file that is missing, unreadable or refused is left for the read itself to
    report, in its own words. Nothing starts for a file that is not a workbook or whose largest table
    is on a sheet under ``min_bytes`` (default ``EARLY_BYTES``).
    """
    least = EARLY_BYTES if min_bytes is None else min_bytes
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    key = _key(path)
    if key is None:
        return False
    try:
        opened = open_workbook(path)
    except Exception:  # the read reports it, with its place and in its words
        return False
    try:
        # By calamine's names, as the read asks for them; the sizes by the table parts' sheets.
        sizes = {
            name: opened.scans.size(opened.tables[name.casefold()].sheet)
            for name in opened.names.intersection(tables)
            if name.casefold() in opened.tables
        }
        if not sizes or max(sizes.values()) < least:
            opened.close()
            return False
        name = max(sorted(sizes), key=lambda n: sizes[n])
        opened.scans.check_extent(opened.tables[name.casefold()].sheet)
        opened.parsing[name] = opened.pool.submit(opened.book.get_table_by_name, name)
    except Exception:  # a refused or damaged sheet: the read says so, in its words
        opened.close()
        return False
    drop_started()  # one started read at a time: a command reads one workbook
    with _lock:
        _started[key] = opened
    return True


def started_or_open(path: Path) -> OpenWorkbook:
    """The read started for ``path`` (the same file, unchanged), else the workbook opened now.

    A read started for this file before it changed is let go; one started for another file stays
    for that file's read.
    """
    key = _key(path)
    with _lock:
        started = _started.pop(key, None) if key is not None else None
    where = key[0] if key is not None else os.path.realpath(path)
    _let_go(lambda k: k[0] == where)
    return started if started is not None else open_workbook(path)


def drop_started() -> None:
    """Let go of a started read nobody took (the command ended before reading its workbook)."""
    _let_go(lambda _: True)


def _let_go(which: Callable[[tuple[str, int, int]], bool]) -> None:
    """Close the started reads whose keys ``which`` picks (outside the lock: closing waits for calamine)."""
    with _lock:
        left = [_started.pop(k) for k in [k for k in _started if which(k)]]
    for opened in left:
        opened.close()
