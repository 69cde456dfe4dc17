"""The VBA project inside a macro workbook: find it in xlwings, and list the macros it defines."""

from __future__ import annotations

import importlib.util
import io
import re
import struct
from pathlib import Path

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.errors import PackageError
from partnerkit.io.ooxml.package import Package

QUICKSTART = "quickstart_standalone.xlsm"


def xlwings_folder() -> Path | None:
    """The installed xlwings package folder, found without importing xlwings (which is slow)."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def xlwings_version() -> str | None:
    """The installed xlwings version, or None when xlwings is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xlwings")
    except PackageNotFoundError:
        return None


def quickstart_vba_project() -> bytes:
    """The vbaProject.bin of the installed xlwings' standalone quickstart workbook.

    Raises WorkbookError saying what to install when xlwings, or its quickstart workbook, is missing.
    """
    folder = xlwings_folder()
    if folder is None:
        raise WorkbookError(
            'building the planning workbook needs xlwings for its VBA code: pip install "partnerkit[excel]"'
        )
    quickstart = folder / QUICKSTART
    if not quickstart.is_file():
        raise WorkbookError(
            f"this xlwings ({xlwings_version()}) ships no {QUICKSTART}, whose VBA code the planning "
            'workbook uses; install a version that does: pip install "xlwings>=0.33"'
        )
    try:
        return Package.open(quickstart).read("xl/vbaProject.bin")
    except (PackageError, OSError) as exc:
        raise WorkbookError(f"{quickstart} is damaged or unreadable ({exc}); reinstall xlwings") from None


def decompress(data: bytes) -> bytes:
    """Undo the run-length compression VBA uses for its source code (MS-OVBA 2.4.1)."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed VBA container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # an uncompressed chunk: 4096 raw bytes
            out += data[pos : pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags & (1 << bit):
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                done = len(out) - start
                bits = max((done - 1).bit_length(), 4)
                length_mask = 0xFFFF >> bits
                offset = (token >> (16 - bits)) + 1
                length = (token & length_mask) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def module_sources(vba_project: bytes) -> dict[str, str]:
    """The source code of every module of a vbaProject.bin, by module name."""
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(vba_project))
    try:
        directory = decompress(ole.openstream("VBA/dir").read())
        modules: list[tuple[str, int]] = []
        pos = 0
        name = ""
        while pos + 6 <= len(directory):
            record, size = struct.unpack_from("<HI", directory, pos)
            body = directory[pos + 6 : pos + 6 + size]
            if record == 0x0009:  # PROJECTVERSION has a fixed size that lies about itself
                size = 6
            elif record == 0x001A:  # MODULESTREAMNAME
                name = body.decode("latin-1")
            elif record == 0x0031:  # MODULEOFFSET: where the compressed source starts
                modules.append((name, struct.unpack("<I", body)[0]))
            pos += 6 + size
        sources = {}
        for stream, offset in modules:
            raw = ole.openstream(f"VBA/{stream}").read()
            sources[stream] = decompress(raw[offset:]).decode("latin-1")
        return sources
    finally:
        ole.close()


_SUB = re.compile(r"^\s*(?:Public\s+)?Sub\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*\)", re.MULTILINE | re.IGNORECASE)


def macros(vba_project: bytes) -> dict[str, str]:
    """Macros a button can run (public Subs without arguments), mapped to the module defining them."""
    found: dict[str, str] = {}
    for module, source in module_sources(vba_project).items():
        for line in source.splitlines():
            if re.match(r"^\s*Private\s", line, re.IGNORECASE):
                continue
            match = _SUB.match(line)
            if match:
                found.setdefault(match.group(1), module)
    return found
