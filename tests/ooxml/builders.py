"""Zip archives for the OOXML tests, built with the standard library's zipfile."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Mapping

CENTRAL_SIG = b"PK\x01\x02"


def zip_of(
    entries: Mapping[str, bytes],
    *,
    when: tuple[int, int, int, int, int, int] = (2026, 1, 15, 9, 30, 0),
    method: int = zipfile.ZIP_DEFLATED,
    comment: bytes = b"",
) -> bytes:
    """A zip archive holding ``entries`` in order, each stamped ``when``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = method
            archive.writestr(info, data)
        archive.comment = comment
    return buffer.getvalue()


def streamed_zip_of(entries: Mapping[str, bytes], *, zip64: bool = False) -> bytes:
    """A zip written to a stream that cannot seek: every entry has a data descriptor (as LibreOffice writes)."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            self.data += b
            return len(b)

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            with archive.open(name, "w", force_zip64=zip64) as handle:
                handle.write(data)
    return bytes(out.data)


def declare_sizes(data: bytes, sizes: Mapping[str, int]) -> bytes:
    """The archive with the central directory declaring other inflated sizes for some entries."""
    out = bytearray(data)
    pos = out.find(CENTRAL_SIG)
    while pos != -1:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        name = bytes(out[pos + 46 : pos + 46 + name_len]).decode()
        if name in sizes:
            struct.pack_into("<L", out, pos + 24, sizes[name])
        pos = out.find(CENTRAL_SIG, pos + 46)
    return bytes(out)


def workbook_parts() -> dict[str, bytes]:
    """The smallest parts that make a zip look like an .xlsx to the sniffer."""
    return {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "xl/workbook.xml": b"<workbook/>",
    }


def with_zip64_directory(data: bytes) -> bytes:
    """The archive with every central record keeping its sizes in a ZIP64 extra field (as 4 GB archives do)."""
    end = data.rfind(b"PK\x05\x06")
    count, _, cd_offset = (
        struct.unpack_from("<H", data, end + 10)[0],
        *struct.unpack_from("<LL", data, end + 12),
    )
    pos, records = cd_offset, []
    for _ in range(count):
        fields = list(struct.unpack_from("<4s4B4HL2L5H2L", data, pos))
        name_len, extra_len, comment_len = fields[12], fields[13], fields[14]
        name = data[pos + 46 : pos + 46 + name_len]
        csize, usize = fields[10], fields[11]
        fields[10] = fields[11] = 0xFFFFFFFF
        fields[13] = 20
        extra = struct.pack("<HHQQ", 1, 16, usize, csize)
        records.append(struct.pack("<4s4B4HL2L5H2L", *fields) + name + extra)
        pos += 46 + name_len + extra_len + comment_len
    directory = b"".join(records)
    tail = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), cd_offset, 0)
    return data[:cd_offset] + directory + tail
