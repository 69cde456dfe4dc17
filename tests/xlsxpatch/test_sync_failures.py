"""A full disk, a crash or an open workbook never damages the user's file or leaves litter behind."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partnerkit.errors import WorkbookError
from partnerkit.io.xlsxpatch import Limits, check_not_open, patch_bytes, patch_workbook
from partnerkit.io.xlsxpatch.verify import verify_workbook

from .builders import PROBLEM_HEADERS, rewrite

CHANGES = {
    "columns": {"Partners": {"Tier": ["Gold"] * 5}},
    "sheets": {"Problems": [PROBLEM_HEADERS, ["Partners", "B2", "too low"]]},
}


def folder_listing(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def disk_full(*_args: object) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def assert_sync_fails_harmlessly(
    planner: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: type[BaseException] = WorkbookError,
    match: str | None = "No space left",
    left: tuple[str, ...] = ("planner.xlsm",),
) -> None:
    """Run a sync that must fail; afterwards the workbook is byte-identical and nothing else is left."""
    original = planner.read_bytes()
    with pytest.raises(error, match=match):
        patch_workbook(planner, **CHANGES)
    monkeypatch.undo()
    assert planner.read_bytes() == original
    assert folder_listing(planner) == list(left)


def test_full_disk_while_writing_keeps_the_original(planner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls = []

    def write_then_fill(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) > 1:
            disk_full()
        return real_write(fd, bytes(data[: len(data) // 2]))  # a short write first, then the disk is full

    monkeypatch.setattr(os, "write", write_then_fill)
    assert_sync_fails_harmlessly(planner, monkeypatch, match="No space left on device; it was left as it was")


def test_full_disk_at_fsync_keeps_the_original(planner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", disk_full)
    assert_sync_fails_harmlessly(planner, monkeypatch)


def test_full_disk_while_keeping_the_backup(planner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    calls = []

    def second_fsync_fails(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the first flushes the new workbook, the second the backup
            disk_full()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", second_fsync_fails)
    assert_sync_fails_harmlessly(planner, monkeypatch)


def test_interrupted_rename_keeps_the_original(planner: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def crash_on_the_workbook(src: str, dst: str) -> None:
        if str(dst).endswith(".xlsm"):
            raise KeyboardInterrupt  # the user pressed Ctrl-C at the worst moment
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_the_workbook)
    original = planner.read_bytes()
    left = ("planner.xlsm", "planner.xlsm.bak")  # the backup is a copy of the original
    assert_sync_fails_harmlessly(planner, monkeypatch, KeyboardInterrupt, None, left)
    assert planner.with_name("planner.xlsm.bak").read_bytes() == original


def test_a_killed_process_leaves_the_original_and_the_next_sync_cleans_up(planner: Path) -> None:
    original = planner.read_bytes()
    script = f"""
import os
from partnerkit.io.xlsxpatch import patch_workbook
os.fsync = lambda fd: os._exit(9)  # the process dies after writing the temporary file
patch_workbook({str(planner)!r}, columns={{"Partners": {{"Tier": ["Gold"] * 5}}}})
"""
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True)
    assert done.returncode == 9
    assert planner.read_bytes() == original
    leftovers = [n for n in folder_listing(planner) if n != "planner.xlsm"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".planner.xlsm.")
    leftover = planner.with_name(leftovers[0])
    patch_workbook(planner, columns={"Partners": {"Tier": ["Silver"] * 5}})
    assert leftover.exists()  # too young: it could belong to a sync running at this moment
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    patch_workbook(planner, columns={"Partners": {"Tier": ["Gold"] * 5}})
    assert folder_listing(planner) == ["planner.xlsm", "planner.xlsm.bak"]


@pytest.mark.parametrize(
    ("lock", "program"), [("~$planner.xlsm", "Excel"), (".~lock.planner.xlsm#", "LibreOffice")]
)
def test_an_open_workbook_is_refused(planner: Path, lock: str, program: str) -> None:
    original = planner.read_bytes()
    (planner.parent / lock).write_text("someone")
    with pytest.raises(WorkbookError, match=f"planner.xlsm is open in {program} \\(lock file"):
        check_not_open(planner)
    with pytest.raises(WorkbookError, match=f"open in {program}"):
        patch_workbook(planner, **CHANGES)
    assert planner.read_bytes() == original
    (planner.parent / lock).unlink()
    check_not_open(planner)


def test_a_symlinked_workbook_is_updated_through_the_link(planner: Path) -> None:
    link = planner.with_name("link.xlsm")
    link.symlink_to(planner)
    patch_workbook(link, **CHANGES)
    assert link.is_symlink()
    assert planner.with_name("planner.xlsm.bak").exists()


def test_verification_refuses_a_result_that_changed_a_users_cell(planner: Path) -> None:
    original = planner.read_bytes()
    patched = patch_bytes(original, columns={"Partners": {"Tier": ["Gold"] * 5}})
    broken = planner.with_name("broken.xlsm")
    broken.write_bytes(patched.data)
    rewrite(broken, "xl/worksheets/sheet2.xml", lambda d: d.replace(b"<v>3000</v>", b"<v>3001</v>", 1))
    args = (patched.changed_parts, patched.expected, "planner.xlsm", Limits())
    verify_workbook(planner.with_name("broken.xlsm"), *args)  # the written cells alone read back fine
    with pytest.raises(
        WorkbookError, match=r"changed Partners!B4 from 3000\.0 to 3001\.0, a cell sync does not own"
    ):
        verify_workbook(broken, *args, original=original, user_sheets=patched.user_sheets)
