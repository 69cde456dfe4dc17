"""The workbook as a zip package: guarded reading of parts, and raw entries for byte-exact copying."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from partnerkit.errors import WorkbookError

_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_END_SIG = b"PK\x05\x06"
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_OFFSET_FIELD = 42  # where a central record keeps its local header offset


@dataclass(frozen=True)
class Limits:
    """Safety caps for untrusted workbooks; the defaults fit any real planning workbook."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_part_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 1024 * 1024 * 1024
    max_ratio: float = 250.0
    ratio_applies_above: int = 4 * 1024 * 1024  # tiny parts compress absurdly well and are harmless
    max_entries: int = 10_000


@dataclass(frozen=True)
class RawEntry:
    """One zip entry as stored: its central record and its local header + data, untouched."""

    name: str
    central: bytes
    local: bytes
    compress_size: int
    file_size: int
    flag_bits: int


class Package:
    """A zip package held in memory, its sizes checked against ``Limits`` before anything inflates."""

    def __init__(self, data: bytes, label: str, limits: Limits) -> None:
        self.data = data
        self.label = label
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise WorkbookError(
                f"{label} is a damaged or truncated zip archive, not a readable workbook; "
                "restore it from a backup or save it again in Excel"
            ) from exc
        self.entries = self._read_entries()
        self.names = [e.name for e in self.entries]
        self._check_sizes()

    def _fail(self, what: str) -> WorkbookError:
        return WorkbookError(f"{self.label} {what}")

    def _read_entries(self) -> list[RawEntry]:
        data = self.data
        end = data.rfind(_END_SIG, max(0, len(data) - 65_557))
        if end < 0:
            raise self._fail("is a damaged zip archive (no central directory)")
        if data.rfind(_ZIP64_LOCATOR_SIG, max(0, end - 20), end) >= 0:
            raise self._fail("uses ZIP64 extensions, which sync does not rewrite; save it again in Excel")
        _, _, _, _, count, cd_size, cd_offset, _ = _END.unpack_from(data, end)
        if count > self.limits.max_entries:
            raise self._fail(f"has {count} zip entries, more than the {self.limits.max_entries} allowed")
        entries: list[RawEntry] = []
        seen: set[str] = set()
        spans: list[tuple[int, int]] = []
        pos = cd_offset
        for _ in range(count):
            if data[pos : pos + 4] != _CENTRAL_SIG:
                raise self._fail("is a damaged zip archive (bad central directory)")
            fields = _CENTRAL.unpack_from(data, pos)
            flags, csize, usize = fields[5], fields[10], fields[11]
            name_len, extra_len, comment_len, offset = fields[12], fields[13], fields[14], fields[18]
            raw_name = data[pos + 46 : pos + 46 + name_len]
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
            central = data[pos : pos + 46 + name_len + extra_len + comment_len]
            pos += len(central)
            if 0xFFFFFFFF in (csize, usize, offset):
                raise self._fail("uses ZIP64 extensions, which sync does not rewrite; save it again in Excel")
            if flags & 0x1:
                raise self._fail(f"has an encrypted zip entry ({name}); remove the password in Excel")
            if name.lower() in seen:
                raise self._fail(f"has two zip entries named {name}, which no workbook has")
            seen.add(name.lower())
            if data[offset : offset + 4] != _LOCAL_SIG:
                raise self._fail(f"is a damaged zip archive (entry {name} is missing)")
            local_fields = _LOCAL.unpack_from(data, offset)
            start = offset + 30 + local_fields[10] + local_fields[11]
            stop = start + csize
            if flags & 0x8:  # a data descriptor follows the data
                stop += 16 if data[stop : stop + 4] == _DESCRIPTOR_SIG else 12
            if stop > cd_offset:
                raise self._fail(f"is a damaged zip archive (entry {name} runs past the end)")
            spans.append((offset, stop))
            entries.append(RawEntry(name, central, data[offset:stop], csize, usize, flags))
        spans.sort()
        for (_, stop), (start, _) in itertools.pairwise(spans):
            if start < stop:  # overlapping entries are a known zip-bomb trick
                raise self._fail("has overlapping zip entries, a trick of zip bombs; it is not a workbook")
        if cd_offset + cd_size > end:
            raise self._fail("is a damaged zip archive (central directory out of place)")
        return entries

    def _check_sizes(self) -> None:
        lim = self.limits
        total = 0
        for e in self.entries:
            total += e.file_size
            if e.file_size > lim.max_part_bytes:
                raise self._fail(
                    f"has a part ({e.name}) that inflates to {e.file_size:,} bytes, "
                    f"over the {lim.max_part_bytes:,}-byte limit; it may be a zip bomb"
                )
            if e.file_size > lim.ratio_applies_above and e.file_size > lim.max_ratio * max(
                e.compress_size, 1
            ):
                raise self._fail(
                    f"has a part ({e.name}) compressed more than {lim.max_ratio:.0f} to 1, "
                    "which only zip bombs do"
                )
        if total > lim.max_total_bytes:
            raise self._fail(
                f"inflates to {total:,} bytes, over the {lim.max_total_bytes:,}-byte limit; "
                "it may be a zip bomb"
            )

    def has(self, name: str) -> bool:
        """True when the package holds a part of that name (exact, as written in the zip)."""
        return name in self.names

    def find(self, name: str) -> str | None:
        """The stored name of a part, compared without case as OPC part names are."""
        wanted = name.lower()
        return next((n for n in self.names if n.lower() == wanted), None)

    def read(self, name: str) -> bytes:
        """Inflate one part; zipfile stops at the declared size, which was checked against the limits."""
        try:
            with self.zip.open(name) as handle:
                data: bytes = handle.read(self.limits.max_part_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            raise self._fail(f"has a damaged part ({name}): {exc}") from exc
        if len(data) > self.limits.max_part_bytes:
            raise self._fail(f"has a part ({name}) over the size limit; it may be a zip bomb")
        return data


def _local_header(name: bytes, flags: int, crc: int, csize: int, usize: int, time: int, date: int) -> bytes:
    return _LOCAL.pack(_LOCAL_SIG, 20, 0, flags, 8, time, date, crc, csize, usize, len(name), 0) + name


def write_package(entries: list[RawEntry], replaced: dict[str, bytes], comment: bytes) -> bytes:
    """A new zip with every entry in the same order; entries not in ``replaced`` keep their bytes."""
    out = io.BytesIO()
    central_records: list[bytes] = []
    for entry in entries:
        offset = out.tell()
        if entry.name in replaced:
            content = replaced[entry.name]
            fields: list[Any] = list(_CENTRAL.unpack_from(entry.central, 0))
            name = entry.central[46 : 46 + fields[12]]
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed = comp.compress(content) + comp.flush()
            crc = zlib.crc32(content)
            flags = fields[5] & 0x800  # keep only "name is UTF-8"; no descriptor, no encryption
            time, date = fields[7], fields[8]
            out.write(_local_header(name, flags, crc, len(packed), len(content), time, date))
            out.write(packed)
            fields[3] = 20  # version needed to extract: deflate
            fields[5], fields[6], fields[9], fields[10], fields[11] = flags, 8, crc, len(packed), len(content)
            fields[13], fields[14], fields[18] = 0, 0, offset  # drop extra and comment of the old entry
            central_records.append(_CENTRAL.pack(*fields) + name)
        else:
            out.write(entry.local)
            record = bytearray(entry.central)
            struct.pack_into("<L", record, _OFFSET_FIELD, offset)
            central_records.append(bytes(record))
    cd_offset = out.tell()
    for central in central_records:
        out.write(central)
    cd_size = out.tell() - cd_offset
    count = len(central_records)
    out.write(_END.pack(_END_SIG, 0, 0, count, count, cd_size, cd_offset, len(comment)) + comment)
    return out.getvalue()


def archive_comment(data: bytes) -> bytes:
    """The zip comment after the end record, kept as it was."""
    end = data.rfind(_END_SIG, max(0, len(data) - 65_557))
    length = _END.unpack_from(data, end)[7]
    return data[end + 22 : end + 22 + length]
