"""Safety caps for untrusted zip packages (zip bombs, absurd sizes), checked before anything inflates.

One default set serves every workbook partnerkit reads or rewrites. Two callers need other values,
and say why below: facts tables (dated exports run to millions of rows) and Word templates (parsed
once, then copied into every document of a batch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from partnerkit.io.ooxml.errors import RefusedPackage
from partnerkit.io.ooxml.refs import column_of

if TYPE_CHECKING:
    from partnerkit.io.ooxml.scan import Extent

MiB = 1024 * 1024


class SizedEntry(Protocol):
    """What the limits need to know of a zip entry: its name and its two sizes."""

    @property
    def name(self) -> str:
        """The entry's name."""
        ...

    @property
    def compress_size(self) -> int:
        """Its size as stored."""
        ...

    @property
    def file_size(self) -> int:
        """Its size once inflated, as declared."""
        ...


def amount(size: int) -> str:
    """A byte count as people read it: 12 MB, 340 KB, 900 bytes."""
    if size >= 1_000_000:
        return f"{size // 1_000_000:,} MB"
    if size >= 1_000:
        return f"{size // 1_000:,} KB"
    return f"{size:,} bytes"


@dataclass(frozen=True)
class Limits:
    """Safety caps for an untrusted package; the defaults fit any real planning workbook."""

    max_file_bytes: int = 256 * MiB  # the file on disk
    max_part_bytes: int = 256 * MiB  # one zip entry, inflated
    max_total_bytes: int = 512 * MiB  # all entries together, inflated
    max_ratio: float = 250.0  # inflated / compressed, for one entry ...
    ratio_applies_above: int = 4 * MiB  # ... of at least this size: tiny parts compress absurdly well
    max_entries: int = 10_000
    max_rows: int = 250_000  # rows of one table that are read
    max_columns: int = 200  # columns of one table that are read
    # Cells of a sheet's used area, from A1 to its farthest cell: python-calamine allocates the whole
    # rectangle (32 bytes a cell, empty or not), and a reader's rows hold a slot for each, so one
    # stray cell at XFD1048576 asks for 512 GiB. 5,000,000 cells (100,000 partners of 50 columns)
    # keep `validate` under 200 MB and `workbook sync` under 350 MB however sparse the sheet.
    max_cells: int = 5_000_000

    def check_file_size(self, size: int) -> None:
        """Refuse a file larger than ``max_file_bytes``."""
        if size > self.max_file_bytes:
            raise RefusedPackage(
                f"is {size:,} bytes ({amount(size)}), over the {self.max_file_bytes:,}-byte limit"
            )

    def check_entry_count(self, count: int) -> None:
        """Refuse a package with more than ``max_entries`` zip entries."""
        if count > self.max_entries:
            raise RefusedPackage(f"has {count:,} zip entries, more than the {self.max_entries:,} allowed")

    def check_entries(self, entries: Iterable[SizedEntry]) -> None:
        """Refuse a package whose declared sizes are a zip bomb's: all together, one part, or its ratio."""
        entries = list(entries)
        total = sum(e.file_size for e in entries)
        if total > self.max_total_bytes:
            raise RefusedPackage(
                f"unpacks to {amount(total)}: it inflates to {total:,} bytes, "
                f"over the {self.max_total_bytes:,}-byte limit; it may be a zip bomb"
            )
        for e in entries:
            if e.file_size > self.max_part_bytes:
                raise RefusedPackage(
                    f"has a part ({e.name}) that inflates to {e.file_size:,} bytes, "
                    f"over the {self.max_part_bytes:,}-byte limit; it may be a zip bomb"
                )
            if e.file_size > self.ratio_applies_above and e.file_size > self.max_ratio * max(
                e.compress_size, 1
            ):
                raise RefusedPackage(
                    f"has a part ({e.name}) compressed suspiciously well: compressed more than "
                    f"{self.max_ratio:.0f} to 1, which only zip bombs do; refusing a zip bomb"
                )

    def check_extent(self, sheet: str, extent: Extent) -> None:
        """Refuse a sheet whose used area (A1 to its farthest real cell) holds more than ``max_cells``
        cells, naming the cell that makes it so large."""
        if extent.cells <= self.max_cells:
            return
        if column_of(extent.far_row) == extent.columns or not extent.far_column:
            where = f"has a cell at {extent.far_row}"
        else:
            where = f"has cells as far as {extent.far_row} and {extent.far_column}"
        raise RefusedPackage(
            f"sheet {sheet!r} {where}, so its used area {extent.area} covers {extent.cells:,} cells, "
            f"more than the {self.max_cells:,} partnerkit reads from one sheet; delete the rows and "
            "columns past your data (or move what is there next to it) and save it again"
        )


WORKBOOK_LIMITS = Limits()
"""Planning workbooks, read or synced: 100,000 partners take about 30 MB of sheet XML."""

FACTS_LIMITS = replace(
    WORKBOOK_LIMITS,
    max_part_bytes=1024 * MiB,
    max_total_bytes=1024 * MiB,
    max_rows=2_000_000,
    max_columns=500,
    max_cells=6_000_000,
)
"""Facts tables: a dated export (one row per partner and month) runs to millions of rows in one sheet;
6,000,000 cells is a full sheet (1,048,576 rows) of partner, date and four facts."""

TEMPLATE_LIMITS = replace(WORKBOOK_LIMITS, max_part_bytes=50 * MiB, max_total_bytes=50 * MiB)
"""Word templates: held in memory and copied into every document of a batch; 50 MB is no template."""
