"""Say in one sentence what a file really is when it is not an .xlsx/.xlsm workbook.

CSV and other text, HTML, PDF, an empty file, a truncated zip, a legacy .xls, an encrypted workbook,
a .docx, .xlsb, .pptx or .ods: each is named from its first bytes and, for a zip, its entry names.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from partnerkit.errors import WorkbookError
from partnerkit.io.ooxml.errors import DamagedPackage
from partnerkit.io.ooxml.package import zip_names

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx) or Excel Macro-Enabled Workbook (.xlsm)"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def describe_ole(head: bytes) -> str:
    """What an OLE compound file is: an encrypted workbook, a legacy .xls, a .doc, or something else."""
    if _utf16("EncryptedPackage") in head or _utf16("EncryptionInfo") in head:
        return (
            "is an encrypted (password-protected) workbook; remove the password in Excel "
            "(File > Info > Protect Workbook > Encrypt with Password) and try again"
        )
    if _utf16("Workbook") in head or _utf16("Book") in head:
        return f"is a legacy Excel 97-2003 workbook (.xls); {_SAVE_AS}"
    if _utf16("WordDocument") in head:
        return "is a legacy Word document (.doc), not an Excel workbook"
    return f"is an old Office compound file, not an .xlsx/.xlsm workbook; {_SAVE_AS}"


def describe_zip(names: list[str]) -> str | None:
    """What a zip archive is when it is not a workbook; ``None`` when it looks like one."""
    lowered = {n.lower() for n in names}
    if "xl/workbook.bin" in lowered:
        return f"is a binary Excel workbook (.xlsb), which partnerkit does not edit; {_SAVE_AS}"
    if any(n.startswith("xl/") for n in lowered) and "[content_types].xml" in lowered:
        return None
    if "word/document.xml" in lowered:
        return "is a Word document (.docx) with a workbook's name, not an Excel workbook"
    if any(n.startswith("ppt/") for n in lowered):
        return "is a PowerPoint presentation (.pptx) with a workbook's name, not an Excel workbook"
    if "content.xml" in lowered and "mimetype" in lowered:
        return f"is an OpenDocument file (LibreOffice .ods or similar); {_SAVE_AS}"
    return "is a zip archive but not an Excel workbook (it has no xl/ folder)"


def describe_text(head: bytes) -> str:
    """What a file that does not start like a zip archive is, from its first bytes."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith(b"%pdf"):
        return "is a PDF document, not an Excel workbook"
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<html" in stripped[:1024]:
        return (
            "is an HTML page (perhaps a download that went wrong or a web export), not an Excel workbook; "
            "download the file again or save it from Excel as .xlsx"
        )
    if stripped.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in stripped:
        return f"is an Excel 2003 XML spreadsheet; {_SAVE_AS}"
    if stripped.startswith(b"<"):
        return "is an XML or HTML text file, not an Excel workbook"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return "is not an Excel workbook (it does not start like a zip archive)"
    if "\x00" in text:
        return "is not an Excel workbook (it does not start like a zip archive)"
    first_line = text.splitlines()[0] if text.splitlines() else ""
    if any(sep in first_line for sep in (",", ";", "\t")):
        return (
            "looks like a CSV text file, not an Excel workbook; open it in Excel and save it as .xlsx, "
            "or pass it to a command that reads CSV"
        )
    return "is a text file, not an Excel workbook"


def sniff_workbook(path: str | os.PathLike[str]) -> None:
    """Raise ``WorkbookError`` with one sentence when ``path`` is not an .xlsx/.xlsm workbook."""
    target = Path(path)
    if not target.exists():
        raise WorkbookError(f"{target} does not exist")
    if not target.is_file():
        raise WorkbookError(f"{target} is a folder, not a workbook file")
    with target.open("rb") as handle:
        head = handle.read(512 * 1024)
    sentence = describe_head(head, target)
    if sentence:
        raise WorkbookError(f"{target.name} {sentence}")


def describe_head(head: bytes, path: Path | None = None) -> str | None:
    """One sentence for a non-workbook from its first bytes (and its zip listing), else ``None``."""
    if not head:
        return "is empty (0 bytes), not an Excel workbook"
    if head.startswith(_OLE_MAGIC):
        return describe_ole(head)
    if not head.startswith(b"PK"):
        return describe_text(head)
    try:
        names = zip_names(path if path is not None else head)  # only the zip's directory is read
    except (DamagedPackage, OSError, ValueError, IndexError, struct.error):
        return (
            "is a damaged or truncated zip archive, not a readable workbook; "
            "restore it from a backup or save it again in Excel"
        )
    return describe_zip(names)
