"""Word drafts as PDF for signature, through LibreOffice headless: one ``soffice`` call for many files.

LibreOffice writes each PDF into a private temporary folder beside the drafts (with its own profile,
so a LibreOffice the user has open does not get in the way); each PDF is then renamed into place, so
a PDF in the folder is always complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from partnerkit.errors import PartnerkitError

SECONDS_PER_FILE = 20
_CANDIDATES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
INSTALL_HINT = (
    "--pdf needs LibreOffice, which is not installed (no 'soffice' command was found). Install it "
    "(Debian or Ubuntu: sudo apt-get install libreoffice-writer; Fedora: sudo dnf install "
    "libreoffice-writer; macOS: brew install --cask libreoffice; Windows: "
    "https://www.libreoffice.org/download/), then run the command again; the .docx drafts are written"
)


class PdfError(PartnerkitError):
    """LibreOffice is missing, or could not convert a draft."""


def find_soffice() -> str | None:
    """The LibreOffice program to convert with, or None when LibreOffice is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in _CANDIDATES if Path(c).exists()), None)


def convert_to_pdf(
    documents: Sequence[Path], folder: Path, *, soffice: str | None = None
) -> dict[Path, Path]:
    """Convert ``documents`` to PDF in ``folder`` with one LibreOffice call: each document's PDF by document.

    Raises PdfError, saying how to install LibreOffice, when it is missing.
    """
    if not documents:
        return {}
    program = soffice or find_soffice()
    if program is None:
        raise PdfError(INSTALL_HINT)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=folder) as work:
        scratch = Path(work)
        profile = (scratch / "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(scratch / "out"),
            *(str(Path(d).resolve()) for d in documents),
        ]
        # No console window on Windows (CREATE_NO_WINDOW).
        flags = 0x08000000 if sys.platform == "win32" else 0
        try:
            subprocess.run(
                command,
                check=False,
                capture_output=True,
                timeout=60 + SECONDS_PER_FILE * len(documents),
                stdin=subprocess.DEVNULL,
                creationflags=flags,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice took too long to convert {len(documents)} draft(s) to PDF") from exc
        except OSError as exc:
            raise PdfError(f"LibreOffice could not be started ({exc.strerror or exc})") from exc
        out: dict[Path, Path] = {}
        missing = []
        for document in documents:
            made = scratch / "out" / f"{Path(document).stem}.pdf"
            if not made.exists():
                missing.append(Path(document).name)
                continue
            target = folder / made.name
            os.replace(made, target)
            out[Path(document)] = target
    if missing:
        raise PdfError(f"LibreOffice did not convert {', '.join(missing[:3])} to PDF")
    return out
