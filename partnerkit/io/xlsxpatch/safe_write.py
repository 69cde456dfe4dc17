"""Replacing a user's file safely: refuse while it is open, temp file, fsync, backup, atomic rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from partnerkit.errors import WorkbookError

_CHUNK = 1024 * 1024
TEMP_SUFFIX = ".partnerkit-tmp"


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel and LibreOffice leave beside a workbook while it is open."""
    name = path.name
    candidates = [f"~${name}", f".~lock.{name}#"]
    if len(name) > 2:
        candidates.append(f"~${name[2:]}")  # Office shortens the owner file of long names this way
    return [path.with_name(c) for c in dict.fromkeys(candidates)]


def check_not_open(path: str | os.PathLike[str]) -> None:
    """Raise ``WorkbookError`` while a lock file says Excel or LibreOffice has the workbook open."""
    target = Path(path)
    for lock in lock_files(target):
        if lock.exists():
            program = "LibreOffice" if lock.name.startswith(".~lock.") else "Excel"
            raise WorkbookError(
                f"{target.name} is open in {program} (lock file {lock.name} exists); close it and try again, "
                f"or delete {lock.name} if {program} is no longer running"
            )


def temp_name(path: Path) -> str:
    """The prefix of partnerkit's temporary files for ``path``, so leftovers can be recognised."""
    return f".{path.name}."


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; folders cannot be opened this way on Windows.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` and flush it to disk; remove it on failure."""
    fd, name = tempfile.mkstemp(prefix=temp_name(path), suffix=TEMP_SUFFIX, dir=path.parent)
    temp = Path(name)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        remove_quietly(temp)
        raise
    return temp


def remove_quietly(path: Path) -> None:
    """Delete a file of ours if it is there; a failure here must not hide the error being raised."""
    with contextlib.suppress(OSError):
        path.unlink()


def replace_file(path: Path, temp: Path, original: bytes, backup: Path | None) -> None:
    """Keep a backup of ``original``, then move ``temp`` over ``path`` in one atomic rename."""
    mode = stat.S_IMODE(path.stat().st_mode)
    os.chmod(temp, mode)
    if backup is not None:
        backup_temp = write_temp(backup, original)
        try:
            os.chmod(backup_temp, mode)
            os.replace(backup_temp, backup)
        except BaseException:
            remove_quietly(backup_temp)
            raise
    try:
        os.replace(temp, path)
    except PermissionError as exc:  # Windows: the file is open in another program
        raise WorkbookError(f"{path.name} cannot be replaced; it is open in another program ({exc})") from exc
    _fsync_folder(path.parent)


def safely_replace(
    path: Path, new_data: bytes, original: bytes, backup: Path | None, verify: Callable[[Path], None]
) -> None:
    """Temp file, fsync, ``verify(temp)``, backup, atomic rename; the original is untouched on any failure."""
    try:
        temp = write_temp(path, new_data)
    except OSError as exc:
        raise WorkbookError(
            f"could not write beside {path.name}: {exc.strerror or exc}; it was left as it was"
        ) from exc
    try:
        verify(temp)
        replace_file(path, temp, original, backup)
    except OSError as exc:
        raise WorkbookError(
            f"could not update {path.name}: {exc.strerror or exc}; it was left as it was"
        ) from exc
    finally:
        remove_quietly(temp)  # gone already after a successful rename
