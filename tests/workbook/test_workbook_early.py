"""A workbook read started early, while a command imports the plan model, reads what a read from scratch reads."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.errors import UnreadableFileError
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook import opening
from partnerkit.io.workbook.read import load_plan_from_workbook, read_tables
from tests.hostile.builders import add_far_cell


@pytest.fixture
def copies(exported_xlsx: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the exported workbook: one read started early, one read from scratch."""
    early, plain = tmp_path / "early.xlsx", tmp_path / "plain.xlsx"
    shutil.copyfile(exported_xlsx, early)
    shutil.copyfile(exported_xlsx, plain)
    return early, plain


def test_a_read_started_early_reads_every_table_as_a_read_from_scratch(copies: tuple[Path, Path]) -> None:
    early, plain = copies
    assert opening.start_reading(early, min_bytes=0)
    started, problems = read_tables(early, L.PROGRAM_INPUTS)
    assert not opening._started, "the read takes what was started"
    fresh, fresh_problems = read_tables(plain, L.PROGRAM_INPUTS)
    assert set(started) == set(fresh)
    for name, table in fresh.items():
        got = started[name]
        assert (got.sheet, got.headers, got.rows, got.top, got.left) == (
            table.sheet,
            table.headers,
            table.rows,
            table.top,
            table.left,
        ), name
    assert [str(p) for p in problems] == [str(p) for p in fresh_problems]


def test_the_largest_table_is_the_one_started(copies: tuple[Path, Path]) -> None:
    early, _ = copies
    sizes = {name: early_size(early, name) for name in ("Partners", "Sources")}
    assert sizes["Partners"] > sizes["Sources"]
    assert opening.start_reading(early, {"Partners", "Sources"}, min_bytes=0)
    try:
        (name,) = opening._started[next(iter(opening._started))].parsing
        assert name == "Partners"
    finally:
        opening.drop_started()
    assert not opening._started


def early_size(path: Path, table: str) -> int:
    """How many bytes the sheet holding ``table`` inflates to."""
    opened = opening.open_workbook(path)
    try:
        return opened.scans.size(opened.tables[table.casefold()].sheet)
    finally:
        opened.close()


def test_a_small_workbook_starts_nothing(copies: tuple[Path, Path]) -> None:
    early, _ = copies
    assert not opening.start_reading(early)  # the example's sheets are far under EARLY_BYTES
    assert not opening._started


def test_a_workbook_changed_after_the_start_is_read_as_it_is_now(copies: tuple[Path, Path]) -> None:
    early, _ = copies
    assert opening.start_reading(early, {"Partners"}, min_bytes=0)
    book = openpyxl.load_workbook(early)
    book["Partners"]["B4"] = "Renamed After The Start"  # the first partner's Name
    book.save(early)
    stat = early.stat()
    os.utime(early, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    tables, _ = read_tables(early)
    assert tables["Partners"].rows[0][1] == "Renamed After The Start"
    assert not opening._started, "the stale read is let go, not kept"


def test_a_refused_sheet_is_not_started_and_the_read_refuses_it_as_before(copies: tuple[Path, Path]) -> None:
    early, plain = copies
    add_far_cell(early, "Partners")
    add_far_cell(plain, "Partners")
    assert not opening.start_reading(early, {"Partners"}, min_bytes=0)
    assert opening.start_reading(early, min_bytes=0), "another table, on a sheet not refused, starts"
    with pytest.raises(UnreadableFileError) as started:
        load_plan_from_workbook(early)
    with pytest.raises(UnreadableFileError) as fresh:
        load_plan_from_workbook(plain)
    assert str(started.value).replace("early.xlsx", "plain.xlsx") == str(fresh.value)
    assert "Partners" in str(fresh.value)
    assert not opening._started


def test_what_is_not_a_workbook_starts_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "plan.xlsx"
    fake.write_text("name,category\nOrbit,integration\n")
    assert not opening.start_reading(fake, min_bytes=0)
    assert not opening.start_reading(tmp_path / "missing.xlsx", min_bytes=0)
    assert not opening.start_reading(tmp_path / "plan.yaml", min_bytes=0)


def test_the_tables_named_for_an_early_start_are_the_layouts() -> None:
    assert {t.name for t in L.INPUT_TABLES} == opening.PLAN_TABLES
    assert {t.name for t in L.PROGRAM_INPUTS} == opening.PROGRAM_TABLES


def test_commands_start_the_read_and_take_it_or_let_it_go(
    copies: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    early, _ = copies
    monkeypatch.setattr(opening, "EARLY_BYTES", 0)
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(early)])
    assert result.exit_code == 0, result.output
    assert "the plan is valid" in result.output
    assert not opening._started
    # A command that stops before it reads: the started read goes with the command.
    result = runner.invoke(cli, ["report", str(early), "-o", str(early)])
    assert result.exit_code == 2
    assert "is the plan itself" in result.output
    assert not opening._started
