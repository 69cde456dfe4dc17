"""Writing files: never half a file (temporary name in the same folder, then rename), never over an edit.

A command that writes a document refuses an existing file unless told to replace it (``--force``).
A folder partnerkit fills on its own (the workbook's documents folder, the demo's output) may also
replace the files partnerkit wrote there, as long as nobody changed them since: partnerkit keeps the
SHA-256 of each such file in ``.partnerkit-written.json`` in the folder, and a file whose content
still has that digest is its own, untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path

from partnerkit.errors import PartnerkitError


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` completely or not at all, keeping an existing file's mode.

    ``durable=False`` skips the file's own fsync: a caller writing many files syncs their folder once
    (``sync_folder``) instead.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            # mkstemp creates 0600; a new document should get the usual umask-based mode.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` completely or not at all."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (the names of files renamed into it) to disk; a no-op where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows cannot open a folder; its renames are durable on their own
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# --- never over an edit ----------------------------------------------------------------------

MANIFEST = ".partnerkit-written.json"


def partner_file_stem(partner: str) -> str:
    """A portable file name, without its suffix, for a partner's document: ``Ledger & Lane CPAs`` ->
    ``Ledger-Lane-CPAs``."""
    return re.sub(r"[^\w]+", "-", partner).strip("-")[:80] or "partner"


class DistinctNames:
    """File names handed out so that no two are one file: the later of two partners whose names give
    the same file, case aside (``Keystone IT`` and ``Keystone & IT``; a Windows or macOS disk ignores
    case), gets a number, counted over the names handed out before (``Keystone-IT-10``)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, stem: str) -> str:
        """``stem``, or ``stem`` numbered when an earlier name is the same file."""
        while stem.casefold() in self._used:
            stem = f"{stem}-{len(self._used)}"
        self._used.add(stem.casefold())
        return stem


def partner_file_stems(partners: Iterable[str]) -> list[str]:
    """The file name, without its suffix, of each partner's document of one batch, in order, told apart
    (``DistinctNames``): no partner's document is written over another's."""
    distinct = DistinctNames()
    return [distinct.take(partner_file_stem(partner)) for partner in partners]


class OutputExistsError(PartnerkitError):
    """A file partnerkit would write is there already (it may hold someone's edits)."""


class Overwrite(Enum):
    """What a command does with an output file that exists already."""

    NEVER = "never"  # keep it (the default: the file may hold edits)
    UNEDITED = "unedited"  # replace it only if partnerkit wrote it and nobody changed it since
    ALWAYS = "always"  # replace it (--force)


def policy(force: bool = False, replace_unedited: bool = False) -> Overwrite:
    """The policy of a command's ``force`` and ``replace_unedited`` options."""
    return Overwrite.ALWAYS if force else Overwrite.UNEDITED if replace_unedited else Overwrite.NEVER


def digest(path: Path) -> str:
    """The SHA-256 of a file's content ("" when it cannot be read)."""
    try:
        return digest_of(path.read_bytes())
    except OSError:
        return ""


def digest_of(data: bytes) -> str:
    """The SHA-256 of bytes about to be written, as ``digest`` gives it for the file that holds them."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path) -> dict[str, str]:
    """The SHA-256 of each file partnerkit wrote into ``folder`` and recorded (empty when none)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def kept_reason(path: Path, overwrite: Overwrite, manifest: Mapping[str, str] | None = None) -> str | None:
    """Why an existing file at ``path`` is kept, in a sentence; None when it may be written."""
    if overwrite is Overwrite.ALWAYS or not path.exists():
        return None
    if overwrite is Overwrite.UNEDITED:
        recorded = (manifest if manifest is not None else read_manifest(path.parent)).get(path.name)
        if recorded and recorded == digest(path):
            return None
        if recorded:
            return f"{path.name} was edited after partnerkit wrote it, so it is kept (rename it to get a new one)"
        return f"{path.name} was not written by partnerkit, so it is kept (rename it to get a new one)"
    return f"{path.name} exists (it may hold edits), so it is kept (--force replaces it)"


def refuse_existing(paths: Iterable[Path], overwrite: Overwrite = Overwrite.NEVER) -> None:
    """OutputExistsError for the first of ``paths`` the policy keeps."""
    for path in paths:
        if path.exists() and kept_reason(path, overwrite) is not None:
            if overwrite is Overwrite.UNEDITED:
                raise OutputExistsError(f"{path}: {kept_reason(path, overwrite)}")
            raise OutputExistsError(
                f"{path} exists (it may hold edits); choose another name or add --force to replace it"
            )


def record(folder: Path, files: Mapping[str, str]) -> None:
    """Remember the SHA-256 of files partnerkit just wrote into ``folder`` (name -> digest)."""
    if not files:
        return
    updated = {**read_manifest(folder), **files}
    write_text_atomic(folder / MANIFEST, json.dumps(dict(sorted(updated.items())), indent=1) + "\n")
