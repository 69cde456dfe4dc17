"""LibreOffice, a reader that shares no code with partnerkit, opens a synced workbook and sees the results."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from partnerkit.io.xlsxpatch import patch_workbook

from .builders import PROBLEM_HEADERS, part_hashes, raw_entries

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Comma-separated, double quotes, UTF-8, formulas' results, every sheet to its own file (-1).
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice(tmp_path: Path, target: str, source: Path, out: Path) -> None:
    assert SOFFICE is not None
    profile = (tmp_path / "profile").as_uri()  # a private profile, so parallel runs do not collide
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    subprocess.run(
        [*command, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180
    )


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_synced_workbook(planner: Path, tmp_path: Path) -> None:
    patch_workbook(
        planner,
        columns={"Partners": {"Tier": ["Gold", "Silver", '=HYPERLINK("http://x")', "+1", "Bronze"]}},
        sheets={"Problems": [PROBLEM_HEADERS, ["Partners", "B2", "ARR below the floor"]]},
    )
    out = tmp_path / "csv"
    soffice(tmp_path, ALL_SHEETS_CSV, planner, out)
    partners = read_csv(out / "planner-Partners.csv")
    assert [row[2] for row in partners[1:6]] == ["Gold", "Silver", '=HYPERLINK("http://x")', "+1", "Bronze"]
    assert [row[5] for row in partners[1:6]] == ["2000", "4000", "6000", "8000", "10000"]  # cached formulas
    problems = read_csv(out / "planner-Problems.csv")
    assert problems == [PROBLEM_HEADERS, ["Partners", "B2", "ARR below the floor"]]


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_workbook_saved_by_libreoffice_is_patched_in_place(planner: Path, tmp_path: Path) -> None:
    soffice(tmp_path, "xlsx", planner, tmp_path / "lo")
    saved = tmp_path / "lo" / "planner.xlsx"
    before, raw_before = part_hashes(saved), raw_entries(saved)
    report = patch_workbook(
        saved, columns={"Partners": {"Tier": ["A", "B", "C", "D", "E"], "Change": [1, 2, 3, 4, 5]}}
    )
    after = part_hashes(saved)
    assert [n for n in before if before[n] != after[n]] == list(report.changed_parts)
    assert len(report.changed_parts) == 1
    raw_after = raw_entries(saved)  # LibreOffice writes data descriptors: they are copied as they were
    assert all(raw_after[n] == raw_before[n] for n in raw_before if n not in report.changed_parts)
    rows = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("Partners").to_python()
    assert [(r[2], r[3]) for r in rows[1:6]] == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]
