"""The VBA project Excel gets: a document module for every sheet's code name, a macro for every button.

Read with oletools' olevba, a parser partnerkit does not share code with, so the project is checked
the way other tools (and antivirus scanners, which Excel users meet) read it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.io.workbook.build import BUTTONS
from partnerkit.io.workbook.vba import compress, decompress
from partnerkit.io.workbook.vbaproject import macro_name

olevba = pytest.importorskip("oletools.olevba", reason="oletools reads the VBA project")

WORKSHEET = "0{00020820-0000-0000-C000-000000000046}"
WORKBOOK = "0{00020819-0000-0000-C000-000000000046}"


def modules(path: Path) -> dict[str, str]:
    """Every module of the workbook's VBA project, by name, as olevba reads it."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read("xl/vbaProject.bin")
    parser = olevba.VBA_Parser("vbaProject.bin", data=data)
    try:
        assert parser.detect_vba_macros()
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def code_names(path: Path) -> tuple[str, list[str]]:
    """The workbook's code name and each sheet's, as Excel reads them from the file."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        sheets = [
            re.search(r'<sheetPr[^>]*codeName="([^"]+)"', archive.read(n).decode())
            for n in sorted(archive.namelist())
            if n.startswith("xl/worksheets/sheet") and n.endswith(".xml")
        ]
    book = re.search(r'<workbookPr[^>]*codeName="([^"]+)"', workbook)
    assert book and all(sheets)
    return book.group(1), [m.group(1) for m in sheets if m]


def test_every_sheet_has_its_document_module(built_xlsm: Path) -> None:
    found = modules(built_xlsm)
    book, sheets = code_names(built_xlsm)
    assert len(sheets) == len(set(sheets)) >= 13
    documents = {name for name, code in found.items() if WORKSHEET in code}
    assert documents == set(sheets)
    assert WORKBOOK in found[book]
    for name in sheets:
        assert f'Attribute VB_Name = "{name}"' in found[name]


def test_every_button_has_its_macro_and_xlwings_is_there(built_xlsm: Path) -> None:
    found = modules(built_xlsm)
    buttons = found["PartnerkitButtons"]
    for button in BUTTONS:
        assert f"Sub {macro_name(button.action)}()" in buttons
        assert f'RunAction "{button.action}"' in buttons
    assert "RunPython" in found["xlwings"] and "Sub SampleCall()" in found["Module1"]
    with zipfile.ZipFile(built_xlsm) as archive:
        vml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml"))
    assert set(re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)) == {
        macro_name(b.action) for b in BUTTONS
    }


def test_the_project_stream_lists_every_module(built_xlsm: Path) -> None:
    import olefile

    with zipfile.ZipFile(built_xlsm) as archive:
        ole = olefile.OleFileIO(archive.read("xl/vbaProject.bin"))
    try:
        project = ole.openstream("PROJECT").read().decode("cp1252")
        # No compiled code: Excel compiles the project from its source, whatever its version.
        assert ole.openstream("VBA/_VBA_PROJECT").read()[2:4] == b"\xff\xff"
    finally:
        ole.close()
    _, sheets = code_names(built_xlsm)
    for name in ["ThisWorkbook", *sheets]:
        assert f"Document={name}/&H00000000" in project
    assert "Module=PartnerkitButtons" in project and "Class=Dictionary" in project


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab Sub()=\"\r\n'", max_size=12000))
def test_vba_source_compression_reads_back_exactly(source: str) -> None:
    assert decompress(compress(source.encode())) == source.encode()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=9000))
def test_any_bytes_compress_and_read_back(data: bytes) -> None:
    # A chunk that does not compress is stored raw, padded to 4,096 bytes as MS-OVBA has it: what
    # was given reads back first (VBA source text, above, always compresses).
    assert decompress(compress(data))[: len(data)] == data


def test_a_quickstart_project_without_its_modules_fails_loudly_for_the_build_to_word() -> None:
    from partnerkit.io.workbook.cfb import write_compound_file
    from partnerkit.io.workbook.vbaproject import planner_vba_project

    bare = write_compound_file(
        {"PROJECT": b'ID="{0}"\r\n', "VBA/dir": compress(b""), "VBA/_VBA_PROJECT": b""}
    )
    with pytest.raises((StopIteration, KeyError, ValueError, IndexError)):
        planner_vba_project(bare, ["Sheet1"], ["validate"])
