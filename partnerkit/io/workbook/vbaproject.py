"""The planning workbook's VBA project: xlwings' code, a document module for every sheet, a macro per button.

xlwings' standalone quickstart project carries document modules for ``ThisWorkbook`` and two sheets
only, while the planning workbook has more sheets, each with a code name. Excel expects a document
module for each sheet's code name, so the project is rebuilt here (MS-OVBA): xlwings' own modules
(its ``xlwings`` module, ``Module1`` and the ``Dictionary`` class) keep their source byte for byte,
every sheet gets its document module, and ``PartnerkitButtons`` holds one macro per button, each
calling the companion module's ``main`` with its action, so no button has to be guessed from the
sheet it sits on.

The project is written without compiled code (the ``_VBA_PROJECT`` stream as the quickstart has
it, without a performance cache, and every module's source at offset 0), so Excel compiles it from
the source on first use, whatever its version.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from partnerkit.io.workbook.cfb import write_compound_file
from partnerkit.io.workbook.vba import compress, decompress

BUTTONS_MODULE = "PartnerkitButtons"
_NAME, _NAME_UNICODE, _STREAM, _STREAM_UNICODE = 0x0019, 0x0047, 0x001A, 0x0032
_OFFSET, _COOKIE, _PROCEDURAL, _DOCUMENT, _END_MODULE = 0x0031, 0x002C, 0x0021, 0x0022, 0x002B
_MODULES, _PROJECT_COOKIE, _END_DIR, _VERSION = 0x000F, 0x0013, 0x0010, 0x0009


@dataclass
class _Module:
    name: str
    kind: str  # "Document", "Module" or "Class", as the PROJECT stream lists it
    records: list[tuple[int, bytes]]
    source: bytes  # compressed source code


def macro_name(action: str) -> str:
    """The VBA macro of a button: ``evaluate_tiers`` -> ``PartnerkitEvaluateTiers``."""
    return "Partnerkit" + "".join(part.capitalize() for part in action.split("_"))


def buttons_module_source(actions: Sequence[str]) -> str:
    """The VBA source of the module holding one macro per button."""
    lines = [
        f'Attribute VB_Name = "{BUTTONS_MODULE}"',
        "' The workbook's buttons, written by partnerkit: each runs its action in the Python module",
        "' named like the workbook (planner.xlsm runs planner.py), through xlwings' RunPython.",
        "Private Sub RunAction(action As String)",
        "    Dim companion As String",
        '    companion = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
        """    RunPython "import " & companion & ";" & companion & ".main('" & action & "')\"""",
        "End Sub",
    ]
    for action in actions:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", action):
            raise ValueError(f"{action!r} cannot name a macro")
        lines += ["", f"Sub {macro_name(action)}()", f'    RunAction "{action}"', "End Sub"]
    return "\r\n".join(lines) + "\r\n"


def _records(directory: bytes) -> list[tuple[int, bytes]]:
    out = []
    pos = 0
    while pos + 6 <= len(directory):
        record, size = struct.unpack_from("<HI", directory, pos)
        if record == _VERSION:  # PROJECTVERSION: its size field says 4, its body is 6 bytes
            size = 6
            body = directory[pos + 6 : pos + 12]
            out.append((record, body))
        else:
            out.append((record, directory[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return out


def _pack(records: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for record, body in records:
        size = 4 if record == _VERSION else len(body)
        out += struct.pack("<HI", record, size) + body
    return bytes(out)


def _renamed(template: list[tuple[int, bytes]], name: str) -> list[tuple[int, bytes]]:
    values = {
        _NAME: name.encode("cp1252"),
        _NAME_UNICODE: name.encode("utf-16-le"),
        _STREAM: name.encode("cp1252"),
        _STREAM_UNICODE: name.encode("utf-16-le"),
        _OFFSET: struct.pack("<I", 0),
        _COOKIE: struct.pack("<H", 0xFFFF),
    }
    return [(record, values.get(record, body)) for record, body in template]


def _document_source(template: str, name: str) -> bytes:
    source = re.sub(r'Attribute VB_Name = "[^"]*"', f'Attribute VB_Name = "{name}"', template, count=1)
    return compress(source.encode("cp1252"))


def planner_vba_project(quickstart: bytes, sheet_code_names: Sequence[str], actions: Sequence[str]) -> bytes:
    """The planning workbook's vbaProject.bin, from xlwings' quickstart project (``quickstart``).

    ``sheet_code_names`` are the code names of the workbook's sheets, in order; ``actions`` the
    buttons' actions, each given a macro (``macro_name``).
    """
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(quickstart))
    try:
        project_text = ole.openstream("PROJECT").read().decode("cp1252")
        records = _records(decompress(ole.openstream("VBA/dir").read()))
        vba_project = ole.openstream("VBA/_VBA_PROJECT").read()
        kinds = dict(
            (m.group(2), m.group(1))
            for m in re.finditer(r"^(Document|Module|Class|BaseClass)=([^/\r\n]+)", project_text, re.M)
        )
        head = records[: next(i for i, (r, _) in enumerate(records) if r == _MODULES)]
        modules: list[_Module] = []
        current: list[tuple[int, bytes]] = []
        for record, body in records[len(head) + 2 :]:
            if record == _END_DIR:
                break
            current.append((record, body))
            if record == _END_MODULE:
                fields = dict(current)
                name = fields[_NAME].decode("cp1252")
                stream = fields.get(_STREAM, fields[_NAME]).decode("cp1252")
                offset = struct.unpack("<I", fields[_OFFSET])[0]
                raw = ole.openstream(f"VBA/{stream}").read()
                modules.append(_Module(name, kinds.get(name, "Module"), current, raw[offset:]))
                current = []
    finally:
        ole.close()

    documents = [m for m in modules if m.kind == "Document"]
    workbook = next(m for m in documents if m.name == "ThisWorkbook")
    sheet = next(m for m in documents if m.name != "ThisWorkbook")
    sheet_template = decompress(sheet.source).decode("cp1252")
    others = [m for m in modules if m.kind != "Document"]
    procedural = next(m for m in others if (_PROCEDURAL, b"") in m.records)
    code = [
        _Module("ThisWorkbook", "Document", _renamed(workbook.records, "ThisWorkbook"), workbook.source),
        *(
            _Module(name, "Document", _renamed(sheet.records, name), _document_source(sheet_template, name))
            for name in sheet_code_names
        ),
        *(_Module(m.name, m.kind, _renamed(m.records, m.name), m.source) for m in others),
        _Module(
            BUTTONS_MODULE,
            "Module",
            _renamed(procedural.records, BUTTONS_MODULE),
            compress(buttons_module_source(actions).encode("cp1252")),
        ),
    ]
    taken = [m.name.casefold() for m in code]
    if len(set(taken)) != len(taken):
        raise ValueError("two modules of the VBA project would have the same name")

    directory = [
        *head,
        (_MODULES, struct.pack("<H", len(code))),
        (_PROJECT_COOKIE, struct.pack("<H", 0xFFFF)),
        *(record for m in code for record in m.records),
        (_END_DIR, b""),
    ]
    streams = {
        "PROJECT": _project_stream(project_text, code).encode("cp1252"),
        "PROJECTwm": b"".join(
            m.name.encode("cp1252") + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in code
        )
        + b"\0\0",
        "VBA/_VBA_PROJECT": vba_project,
        "VBA/dir": compress(_pack(directory)),
        **{f"VBA/{m.name}": m.source for m in code},
    }
    return write_compound_file(streams)


def _project_stream(original: str, modules: Sequence[_Module]) -> str:
    """The PROJECT stream with the modules listed: their kinds, and one line each in [Workspace]."""
    lines = original.split("\r\n")
    listed = [f"{m.kind}={m.name}" + ("/&H00000000" if m.kind == "Document" else "") for m in modules]
    first = next(i for i, line in enumerate(lines) if re.match(r"^(Document|Module|Class|BaseClass)=", line))
    kept = [line for line in lines if not re.match(r"^(Document|Module|Class|BaseClass)=", line)]
    out = [*kept[:first], *listed, *kept[first:]]
    if "[Workspace]" in out:
        at = out.index("[Workspace]")
        out = [*out[: at + 1], *(f"{m.name}=0, 0, 0, 0, C" for m in modules), ""]
    return "\r\n".join(out)
