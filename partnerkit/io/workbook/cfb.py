"""Write a compound file (MS-CFB, version 3): the container a VBA project (``vbaProject.bin``) lives in.

Small and exact rather than general: 512-byte sectors, streams under 4,096 bytes in the mini stream,
no more FAT sectors than the header itself lists (about 7 MB of file, far more than a VBA project
needs). Readers find entries by walking each storage's tree of siblings, so the tree is built
balanced from the names in the order the format compares them (length, then upper case).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
HEADER_FAT_SLOTS = 109
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_BLACK = 1


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    index: int = 0
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    start: int = END
    size: int = 0


def _order(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _tree(entries: list[_Entry]) -> int:
    """Link ``entries`` (one storage's children) as a balanced tree of siblings; the root's index."""
    if not entries:
        return NO_STREAM
    ordered = sorted(entries, key=lambda e: _order(e.name))

    def link(lo: int, hi: int) -> int:
        if lo > hi:
            return NO_STREAM
        mid = (lo + hi) // 2
        node = ordered[mid]
        node.left = link(lo, mid - 1)
        node.right = link(mid + 1, hi)
        return node.index

    return link(0, len(ordered) - 1)


def _chain(first: int, count: int) -> list[int]:
    """FAT entries for ``count`` consecutive sectors starting at ``first``."""
    return [first + i + 1 for i in range(count - 1)] + [END] if count else []


def _sectors(size: int, unit: int) -> int:
    return (size + unit - 1) // unit


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """A compound file holding ``streams``, named by path with ``/`` between storages (``VBA/dir``)."""
    root = _Entry("Root Entry", _ROOT)
    entries = [root]
    storages: dict[str, _Entry] = {"": root}
    for path, data in streams.items():
        parts = path.split("/")
        parent = root
        for depth, part in enumerate(parts[:-1]):
            key = "/".join(parts[: depth + 1])
            if key not in storages:
                storage = _Entry(part, _STORAGE, index=len(entries))
                entries.append(storage)
                parent.children.append(storage)
                storages[key] = storage
            parent = storages[key]
        if len(parts[-1]) > 31:
            raise ValueError(f"stream name {parts[-1]!r} is longer than 31 characters")
        stream = _Entry(parts[-1], _STREAM, data, index=len(entries))
        entries.append(stream)
        parent.children.append(stream)
    for entry in entries:
        entry.child = _tree(entry.children)

    # The mini stream: every small stream, each padded to 64-byte mini sectors.
    mini = bytearray()
    mini_fat: list[int] = []
    for entry in entries:
        if entry.kind != _STREAM:
            continue
        entry.size = len(entry.data)
        if entry.size >= MINI_CUTOFF:
            continue
        count = _sectors(entry.size, MINI_SECTOR)
        entry.start = len(mini_fat) if count else END
        mini_fat += _chain(len(mini_fat), count)
        mini += entry.data + b"\0" * (count * MINI_SECTOR - entry.size)

    # The sectors in order: large streams, the mini stream, the mini FAT, the directory, the FAT.
    body: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = _sectors(len(data), SECTOR)
        if not count:
            return END
        first = len(fat)
        fat.extend(_chain(first, count))
        body.append(data + b"\0" * (count * SECTOR - len(data)))
        return first

    for entry in entries:
        if entry.kind == _STREAM and entry.size >= MINI_CUTOFF:
            entry.start = place(entry.data)
    root.start = place(bytes(mini))
    root.size = len(mini)
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    mini_fat_first = place(mini_fat_bytes) if mini_fat else END
    mini_fat_count = _sectors(len(mini_fat_bytes), SECTOR)
    directory = b"".join(_directory_entry(e) for e in entries)
    directory += _empty_entry() * (-len(entries) % (SECTOR // 128))
    directory_first = place(directory)

    fat_count = 1
    while _sectors((len(fat) + fat_count) * 4, SECTOR) > fat_count:
        fat_count += 1
    if fat_count > HEADER_FAT_SLOTS:
        raise ValueError("the streams are too large for this compound file writer")
    fat_first = len(fat)
    fat += [FAT_SECTOR] * fat_count
    fat += [FREE] * (fat_count * SECTOR // 4 - len(fat))
    body.append(struct.pack(f"<{len(fat)}I", *fat))

    difat = [fat_first + i for i in range(fat_count)] + [FREE] * (HEADER_FAT_SLOTS - fat_count)
    header = b"".join(
        [
            bytes.fromhex("D0CF11E0A1B11AE1"),
            b"\0" * 16,
            struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6),
            b"\0" * 6,
            struct.pack(
                "<IIIIIIIII",
                0,
                fat_count,
                directory_first,
                0,
                MINI_CUTOFF,
                mini_fat_first,
                mini_fat_count,
                END,
                0,
            ),
            struct.pack(f"<{HEADER_FAT_SLOTS}I", *difat),
        ]
    )
    assert len(header) == SECTOR
    return header + b"".join(body)


def _directory_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\0\0"
    return b"".join(
        [
            name.ljust(64, b"\0"),
            struct.pack("<HBB", len(name), entry.kind, _BLACK),
            struct.pack("<III", entry.left, entry.right, entry.child),
            b"\0" * 16,  # CLSID
            b"\0" * 4,  # state bits
            b"\0" * 16,  # creation and modification times
            struct.pack("<IQ", entry.start if entry.kind != _STORAGE else 0, entry.size),
        ]
    )


def _empty_entry() -> bytes:
    siblings = struct.pack("<III", NO_STREAM, NO_STREAM, NO_STREAM)
    return b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + siblings + b"\0" * 48
