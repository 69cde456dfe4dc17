"""What a file really is, in one sentence: the sniffer shared by the workbook reader and sync."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.sniff import describe_head, sniff_workbook

from .builders import workbook_parts, zip_of

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

FILES = {
    "empty": (b"", "is empty (0 bytes), not an Excel workbook"),
    "csv": (b"partner,arr\nAcme,100\n", "looks like a CSV text file, not an Excel workbook"),
    "semicolon csv": (b"\xef\xbb\xbfpartner;arr\nAcme;100\n", "looks like a CSV text file"),
    "html": (b"<!DOCTYPE html><html><body>Sign in</body></html>", "is an HTML page"),
    "pdf": (b"%PDF-1.7\n...", "is a PDF document, not an Excel workbook"),
    "excel 2003 xml": (
        b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
        "is an Excel 2003 XML spreadsheet",
    ),
    "text": (b"just some notes\n", "is a text file, not an Excel workbook"),
    "binary": (bytes(range(256)) * 4, "is not an Excel workbook (it does not start like a zip archive)"),
    "legacy xls": (OLE + "Workbook".encode("utf-16-le"), "is a legacy Excel 97-2003 workbook (.xls)"),
    "encrypted": (
        OLE + "EncryptedPackage".encode("utf-16-le"),
        "is an encrypted (password-protected) workbook",
    ),
    "legacy doc": (OLE + "WordDocument".encode("utf-16-le"), "is a legacy Word document (.doc)"),
    "other OLE": (OLE, "is an old Office compound file"),
    "truncated zip": (zip_of(workbook_parts())[:40], "is a damaged or truncated zip archive"),
    "docx": (
        zip_of({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
        "is a Word document (.docx)",
    ),
    "xlsb": (
        zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\0"}),
        "is a binary Excel workbook (.xlsb)",
    ),
    "pptx": (
        zip_of({"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"<x/>"}),
        "is a PowerPoint presentation",
    ),
    "ods": (
        zip_of({"mimetype": b"application/vnd.oasis", "content.xml": b"<x/>"}),
        "is an OpenDocument file",
    ),
    "zip": (zip_of({"readme.txt": b"hi"}), "is a zip archive but not an Excel workbook"),
}


@pytest.mark.parametrize("kind", FILES)
def test_each_kind_of_file_gets_its_one_sentence(tmp_path: Path, kind: str) -> None:
    data, sentence = FILES[kind]
    said = describe_head(data)
    assert said is not None and said.startswith(sentence), said
    assert "\n" not in said
    path = tmp_path / "planner.xlsx"
    path.write_bytes(data)
    with pytest.raises(WorkbookError) as caught:
        sniff_workbook(path)
    assert str(caught.value) == f"planner.xlsx {said}"


def test_a_workbook_passes(tmp_path: Path) -> None:
    path = tmp_path / "planner.xlsx"
    path.write_bytes(zip_of(workbook_parts()))
    assert describe_head(path.read_bytes()) is None
    sniff_workbook(path)


def test_a_large_file_is_named_from_its_zip_directory_not_its_first_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    padding = {"word/media/image1.png": os.urandom(1024 * 1024)}  # stored: the directory lies past 512 KB
    path.write_bytes(
        zip_of({"[Content_Types].xml": b"<x/>", **padding, "word/document.xml": b"<x/>"}, method=0)
    )
    head = path.read_bytes()[: 512 * 1024]
    assert (
        describe_head(head, path)
        == "is a Word document (.docx) with a workbook's name, not an Excel workbook"
    )


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="does not exist"):
        sniff_workbook(tmp_path / "nope.xlsx")
    with pytest.raises(WorkbookError, match="is a folder, not a workbook file"):
        sniff_workbook(tmp_path)
