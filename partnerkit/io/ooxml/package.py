"""A zip package (.xlsx, .xlsm, .docx): entries read from its central directory, sizes checked against
the limits before anything inflates, and the one writer that copies unchanged entries as stored.

The central directory is parsed here rather than by ``zipfile`` so that the writer can copy an
entry's local header, data and data descriptor byte for byte, and so that the limits see every
entry (overlapping entries, a zip-bomb trick, are refused) before a single part is inflated.
"""

from __future__ import annotations

import itertools
import os
import struct
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from partnerkit.io.ooxml.errors import DamagedPackage, PackageError, RefusedPackage
from partnerkit.io.ooxml.limits import WORKBOOK_LIMITS, Limits

_LOCAL_SIG = b"PK\x03\x04"
_CENTRAL_SIG = b"PK\x01\x02"
_END_SIG = b"PK\x05\x06"
_ZIP64_END_SIG = b"PK\x06\x06"
_ZIP64_LOCATOR_SIG = b"PK\x06\x07"
_DESCRIPTOR_SIG = b"PK\x07\x08"
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_OFFSET_FIELD = 42  # where a central record keeps its local header offset
_MAX_COMMENT = 65_535
_STORED, _DEFLATED = 0, 8
_MAX_EXTRACT_VERSION = 63  # as zipfile: 6.3 is the newest zip specification
_UTF8_NAME = 0x800
# The stamp of every entry a fixed-timestamp package holds: 1980-01-01 00:00, the first DOS date.
_FIXED_TIME, _FIXED_DATE = 0, (1980 - 1980) << 9 | 1 << 5 | 1
_NO_REWRITE = "uses ZIP64 extensions, which partnerkit does not rewrite; save it again in Excel"


def _damaged(detail: str) -> DamagedPackage:
    return DamagedPackage(f"is a damaged zip archive ({detail})")


@dataclass(frozen=True)
class ZipEntry:
    """One zip entry as its central record describes it, and where its bytes lie in the package."""

    name: str
    central: bytes  # the central record, with its name, extra field and comment
    local_offset: int  # where its local header starts
    data_offset: int  # where its compressed data starts
    end: int  # where its data (and data descriptor, if any) ends
    compress_size: int
    file_size: int
    crc: int
    method: int
    flag_bits: int
    zip64: bool


@dataclass(frozen=True)
class _Directory:
    count: int
    offset: int
    size: int
    end: int  # where the end record starts
    comment: bytes
    zip64: bool


def _directory(read: Callable[[int, int], bytes], size: int) -> _Directory:
    """Find the end record (and its ZIP64 twin) from the last bytes of a file of ``size`` bytes."""
    start = max(0, size - 22 - _MAX_COMMENT)
    tail = read(start, size - start)
    at = tail.rfind(_END_SIG)
    if at < 0 or len(tail) - at < _END.size:
        raise DamagedPackage("is a damaged or truncated zip archive (it has no end record)")
    _, _, _, _, count, cd_size, cd_offset, comment_len = _END.unpack_from(tail, at)
    end = start + at
    comment = tail[at + _END.size : at + _END.size + comment_len]
    zip64 = False
    if end >= _ZIP64_LOCATOR.size:
        locator = read(end - _ZIP64_LOCATOR.size, _ZIP64_LOCATOR.size)
        if locator[:4] == _ZIP64_LOCATOR_SIG:
            record = read(_ZIP64_LOCATOR.unpack(locator)[2], _ZIP64_END.size)
            if len(record) < _ZIP64_END.size or record[:4] != _ZIP64_END_SIG:
                raise _damaged("bad ZIP64 end record")
            fields = _ZIP64_END.unpack(record)
            count, cd_size, cd_offset = fields[7], fields[8], fields[9]
            zip64 = True
    if cd_offset + cd_size > end:
        raise _damaged("central directory out of place")
    return _Directory(count, cd_offset, cd_size, end, comment, zip64)


def _zip64_sizes(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    """The real sizes and offset from a ZIP64 extra field, for those the record marks 0xFFFFFFFF."""
    pos = 0
    while pos + 4 <= len(extra):
        header, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        pos += 4 + length
        if header != 0x0001:
            continue
        values = iter(struct.unpack_from(f"<{len(body) // 8}Q", body))
        try:
            usize = next(values) if usize == 0xFFFFFFFF else usize
            csize = next(values) if csize == 0xFFFFFFFF else csize
            offset = next(values) if offset == 0xFFFFFFFF else offset
        except StopIteration:
            raise _damaged("short ZIP64 extra field") from None
        return usize, csize, offset
    raise _damaged("ZIP64 sizes without their extra field")


def _has_zip64_field(extra: bytes) -> bool:
    pos = 0
    while pos + 4 <= len(extra):
        header, length = struct.unpack_from("<HH", extra, pos)
        if header == 0x0001:
            return True
        pos += 4 + length
    return False


def _records(
    data: bytes, pos: int, count: int
) -> Iterator[tuple[str, tuple[Any, ...], bytes, int, int, int]]:
    """Each central record from ``pos``: name, fields, record bytes, and its real sizes and offset."""
    for _ in range(count):
        if data[pos : pos + 4] != _CENTRAL_SIG or pos + _CENTRAL.size > len(data):
            raise _damaged("bad central directory")
        fields = _CENTRAL.unpack_from(data, pos)
        flags, csize, usize = fields[5], fields[10], fields[11]
        name_len, extra_len, comment_len, offset = fields[12], fields[13], fields[14], fields[18]
        raw_name = data[pos + 46 : pos + 46 + name_len]
        name = raw_name.decode("utf-8" if flags & _UTF8_NAME else "cp437", "replace")
        record = data[pos : pos + 46 + name_len + extra_len + comment_len]
        if 0xFFFFFFFF in (csize, usize, offset):
            extra = data[pos + 46 + name_len : pos + 46 + name_len + extra_len]
            usize, csize, offset = _zip64_sizes(extra, usize, csize, offset)
        pos += len(record)
        yield name, fields, record, usize, csize, offset


def zip_names(source: bytes | str | os.PathLike[str]) -> list[str]:
    """The entry names of a zip archive (bytes, or a file read only at its end); DamagedPackage if none."""
    if isinstance(source, bytes):
        data = source
        directory = _directory(lambda at, n: data[at : at + n], len(data))
        return [r[0] for r in _records(data[directory.offset : directory.end], 0, directory.count)]
    with Path(source).open("rb") as handle:

        def read(at: int, n: int) -> bytes:
            handle.seek(at)
            return handle.read(n)

        directory = _directory(read, os.fstat(handle.fileno()).st_size)
        listing = read(directory.offset, directory.end - directory.offset)
    return [r[0] for r in _records(listing, 0, directory.count)]


class Package:
    """A zip package held in memory, its entries checked against ``Limits`` before anything inflates."""

    def __init__(self, data: bytes, limits: Limits = WORKBOOK_LIMITS) -> None:
        self.data = data
        self.limits = limits
        limits.check_file_size(len(data))
        if not data.startswith(b"PK"):
            raise DamagedPackage("is not a zip archive")
        directory = _directory(lambda at, n: data[at : at + n], len(data))
        limits.check_entry_count(directory.count)
        self.comment = directory.comment
        self.entries = self._read_entries(directory)
        self.names = [e.name for e in self.entries]
        self._by_name = {e.name: e for e in self.entries}
        self._by_folded = {e.name.lower(): e for e in self.entries}
        self.zip64 = directory.zip64 or any(e.zip64 for e in self.entries)
        limits.check_entries(self.entries)

    @classmethod
    def open(cls, path: str | os.PathLike[str], limits: Limits = WORKBOOK_LIMITS) -> Package:
        """Read the package at ``path``, its size checked before it is read; OSError passes through."""
        target = Path(path)
        limits.check_file_size(target.stat().st_size)
        return cls(target.read_bytes(), limits)

    def _read_entries(self, directory: _Directory) -> list[ZipEntry]:
        data = self.data
        entries: list[ZipEntry] = []
        seen: set[str] = set()
        for name, fields, central, usize, csize, offset in _records(data, directory.offset, directory.count):
            flags = fields[5]
            if flags & 0x1:
                raise RefusedPackage(f"has an encrypted zip entry ({name}); save it again without a password")
            if fields[3] > _MAX_EXTRACT_VERSION:
                version = f"{fields[3] // 10}.{fields[3] % 10}"
                raise RefusedPackage(
                    f"has a zip entry ({name}) that needs zip version {version} to unpack, newer than "
                    "any Office file uses; save it again from its program"
                )
            if name.lower() in seen:
                raise RefusedPackage(f"has two zip entries named {name}, which no Office file has")
            seen.add(name.lower())
            if data[offset : offset + 4] != _LOCAL_SIG or offset + _LOCAL.size > len(data):
                raise _damaged(f"entry {name} is missing")
            local_fields = _LOCAL.unpack_from(data, offset)
            start = offset + _LOCAL.size + local_fields[10] + local_fields[11]
            stop = start + csize
            zip64 = 0xFFFFFFFF in (fields[10], fields[11], fields[18])
            if flags & 0x8:  # a data descriptor follows the data; its sizes are 8 bytes with ZIP64
                local_extra = data[offset + _LOCAL.size + local_fields[10] : start]
                size = 24 if zip64 or _has_zip64_field(local_extra) else 16
                stop += size if data[stop : stop + 4] == _DESCRIPTOR_SIG else size - 4
            if stop > directory.offset:
                raise _damaged(f"entry {name} runs past the end")
            entries.append(
                ZipEntry(name, central, offset, start, stop, csize, usize, fields[9], fields[6], flags, zip64)
            )
        spans = sorted((e.local_offset, e.end) for e in entries)
        for (_, stop), (start, _) in itertools.pairwise(spans):
            if start < stop:  # overlapping entries are how non-recursive zip bombs multiply their data
                raise RefusedPackage(
                    "has overlapping zip entries, a trick of zip bombs; it is not an Office file"
                )
        return entries

    def has(self, name: str) -> bool:
        """True when the package holds a part of exactly that name."""
        return name in self._by_name

    def find(self, name: str) -> str | None:
        """The stored name of a part, compared without case as OPC part names are."""
        entry = self._by_folded.get(name.lower())
        return entry.name if entry is not None else None

    def namelist(self) -> list[str]:
        """Every entry's name, in the package's order (as ``zipfile.ZipFile.namelist``)."""
        return list(self.names)

    def entry(self, name: str) -> ZipEntry:
        """The entry of a part (exact name first, then without case); DamagedPackage when it is missing."""
        entry = self._by_name.get(name) or self._by_folded.get(name.lower())
        if entry is None:
            raise DamagedPackage(f"is missing its part {name}; it is damaged")
        return entry

    def raw(self, entry: ZipEntry) -> memoryview:
        """An entry's data exactly as stored (usually deflated), without copying it."""
        return memoryview(self.data)[entry.data_offset : entry.data_offset + entry.compress_size]

    def read(self, name: str) -> bytes:
        """Inflate one part; never beyond its declared size, which the limits have checked."""
        entry = self.entry(name)
        raw = self.raw(entry)
        if entry.method == _STORED:
            data = bytes(raw)
        elif entry.method == _DEFLATED:
            try:
                data = zlib.decompressobj(-15).decompress(raw, entry.file_size + 1)
            except zlib.error as exc:
                raise DamagedPackage(f"has a damaged part ({entry.name}): {exc}") from exc
        else:
            raise DamagedPackage(
                f"has a part ({entry.name}) compressed with method {entry.method}, which Office files do not use"
            )
        if len(data) != entry.file_size or zlib.crc32(data) != entry.crc:
            raise DamagedPackage(
                f"has a damaged part ({entry.name}): its content does not match its checksum"
            )
        return data

    def head(self, name: str, size: int) -> bytes:
        """The first ``size`` bytes of a part once inflated (all of it when it is shorter), without
        inflating the rest; unchecked, since the checksum covers the whole part."""
        entry = self.entry(name)
        raw = self.raw(entry)
        size = max(0, min(size, entry.file_size))
        if entry.method == _STORED:
            head = bytes(raw[:size])
        elif entry.method != _DEFLATED:
            return self.read(name)[:size]  # refused there, in its words
        else:
            try:
                head = zlib.decompressobj(-15).decompress(raw, size) if size else b""
            except zlib.error as exc:
                raise DamagedPackage(f"has a damaged part ({entry.name}): {exc}") from exc
        if len(head) < size:
            # A part that ends before its declared size: a reader asking for more and more of it,
            # to reach that size, would never get there.
            raise DamagedPackage(
                f"has a damaged part ({entry.name}): it holds fewer bytes than the zip says "
                f"({len(head):,} of {entry.file_size:,})"
            )
        return head

    def test(self) -> None:
        """Inflate every entry and check its checksum, as ``unzip -t`` does; DamagedPackage names the first."""
        for entry in self.entries:
            self.read(entry.name)


def _local_header(
    name: bytes, flags: int, method: int, stamp: tuple[int, int], crc: int, sizes: tuple[int, int]
) -> bytes:
    return _LOCAL.pack(_LOCAL_SIG, 20, 0, flags, method, *stamp, crc, *sizes, len(name), 0) + name


def _central_record(
    name: bytes,
    flags: int,
    method: int,
    stamp: tuple[int, int],
    crc: int,
    sizes: tuple[int, int],
    offset: int,
) -> bytes:
    return (
        _CENTRAL.pack(
            _CENTRAL_SIG, 20, 0, 20, 0, flags, method, *stamp, crc, *sizes, len(name), 0, 0, 0, 0, 0, offset
        )
        + name
    )


def _deflate(content: bytes, level: int = 6) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(content) + packer.flush()


def write_package(
    package: Package,
    replaced: Mapping[str, bytes] | None = None,
    *,
    removed: Collection[str] = (),
    fixed_timestamps: bool = False,
    level: int = 6,
) -> bytes:
    """A new zip with the package's entries in their order: ``replaced`` parts deflated anew, the
    others' data copied as stored (never recompressed), ``removed`` entries left out.

    ``fixed_timestamps=False`` (workbook sync): an unchanged entry keeps every byte of its local
    header, data, data descriptor and central record (only the offset in the central record moves);
    a replaced entry keeps its name, time and date; the archive comment stays.
    ``fixed_timestamps=True`` (Word drafts): every entry gets a fresh minimal header stamped
    1980-01-01 00:00 and the archive has no comment, so the same parts always give the same bytes.
    ``level`` is the deflate level of the replaced parts (1 is three times faster than 6, a fifth larger).
    """
    replaced = replaced or {}
    if not fixed_timestamps and package.zip64:
        raise PackageError(_NO_REWRITE)
    out = BytesIO()
    central: list[bytes] = []
    for entry in package.entries:
        if entry.name in removed:
            continue
        offset = out.tell()
        content = replaced.get(entry.name)
        if fixed_timestamps:
            name = entry.name.encode("utf-8")
            flags = 0 if entry.name.isascii() else _UTF8_NAME
            stamp = (_FIXED_TIME, _FIXED_DATE)
            if content is None:
                raw: bytes | memoryview = package.raw(entry)
                method, crc, size = entry.method, entry.crc, entry.file_size
            else:
                raw, method, crc, size = (
                    _deflate(content, level),
                    _DEFLATED,
                    zlib.crc32(content),
                    len(content),
                )
            out.write(_local_header(name, flags, method, stamp, crc, (len(raw), size)))
            out.write(raw)
            central.append(_central_record(name, flags, method, stamp, crc, (len(raw), size), offset))
        elif content is None:
            out.write(memoryview(package.data)[entry.local_offset : entry.end])
            moved = bytearray(entry.central)
            struct.pack_into("<L", moved, _OFFSET_FIELD, offset)
            central.append(bytes(moved))
        else:
            fields: list[Any] = list(_CENTRAL.unpack_from(entry.central, 0))
            name = entry.central[46 : 46 + fields[12]]
            packed = _deflate(content, level)
            crc = zlib.crc32(content)
            flags = fields[5] & _UTF8_NAME  # keep only "name is UTF-8"; no descriptor, no encryption
            stamp = (fields[7], fields[8])
            out.write(_local_header(name, flags, _DEFLATED, stamp, crc, (len(packed), len(content))))
            out.write(packed)
            fields[3] = 20  # version needed to extract: deflate
            fields[5], fields[6], fields[9], fields[10], fields[11] = flags, 8, crc, len(packed), len(content)
            fields[13], fields[14], fields[18] = 0, 0, offset  # drop extra and comment of the old entry
            central.append(_CENTRAL.pack(*fields) + name)
    cd_offset = out.tell()
    for record in central:
        out.write(record)
    cd_size = out.tell() - cd_offset
    comment = b"" if fixed_timestamps else package.comment
    out.write(
        _END.pack(_END_SIG, 0, 0, len(central), len(central), cd_size, cd_offset, len(comment)) + comment
    )
    return out.getvalue()
