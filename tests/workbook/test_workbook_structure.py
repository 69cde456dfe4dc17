"""The built .xlsm, opened as the zip it is: macros, buttons, sheets, tables, dropdowns, formats, chart."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from partnerkit.io.ooxml.parts import sheet_parts
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.build import BUTTONS, build_workbook
from partnerkit.io.workbook.vba import macros
from partnerkit.model import Plan


def _read(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def _sheet_xml(path: Path, sheet: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(sheet_parts(archive)[sheet]).decode("utf-8")


def test_macro_enabled_with_the_xlwings_vba_project(built_xlsm: Path) -> None:
    types = _read(built_xlsm, "[Content_Types].xml")
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    with zipfile.ZipFile(built_xlsm) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()


def test_every_button_runs_a_macro_of_the_vba_project(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        vba = archive.read("xl/vbaProject.bin")
        drawings = [archive.read(n).decode() for n in archive.namelist() if n.endswith(".vml")]
    defined = macros(vba)
    buttons = [b for d in drawings for b in re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", d)]
    captions = [c for d in drawings for c in re.findall(r"<font[^>]*>([^<]+)</font>", d)]
    assert buttons, "the workbook has no buttons"
    assert set(buttons) <= set(defined)
    expected = {b.caption for b in BUTTONS}
    assert expected <= set(captions)
    # The one macro calls the companion module named like the workbook.
    from partnerkit.io.workbook.vba import module_sources

    source = module_sources(vba)[defined[buttons[0]]]
    assert "RunPython" in source and ".main('\" & action & \"')" in source


def test_sheets_tables_and_frozen_headers(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        names = list(sheet_parts(archive))
        tables = {
            re.search(r'\bname="([^"]+)"', archive.read(n).decode()).group(1)  # type: ignore[union-attr]
            for n in archive.namelist()
            if n.startswith("xl/tables/")
        }
    assert names == [*L.SHEETS, L.LISTS, L.XLWINGS_CONF]
    assert tables == {t.name for t in L.TABLES}
    for sheet in L.SHEETS:
        if sheet != L.OVERVIEW:
            assert 'state="frozen"' in _sheet_xml(built_xlsm, sheet), sheet


def test_dropdowns_for_every_enumerated_column(built_xlsm: Path) -> None:
    partners = _sheet_xml(built_xlsm, L.PARTNERS)
    lists = re.findall(
        r'<dataValidation type="list"[^>]*sqref="([A-Z]+)\d+:[A-Z]+\d+"[^>]*>\s*<formula1>([^<]*)', partners
    )
    by_column = dict(lists)
    for i, column in enumerate(L.PARTNERS_TABLE.columns):
        letter = L.column_letter(i)
        if column.choices or column.source:
            assert letter in by_column, column.header
    assert '"P0,P1,P2"' in by_column["D"]
    assert "Tiers[Name]" in by_column["F"]
    assert "Reseller" in by_column["C"]


def test_number_formats_for_money_percent_and_dates(built_xlsm: Path) -> None:
    styles = _read(built_xlsm, "xl/styles.xml")
    for code in ("0.0%", "#,##0", "yyyy-mm-dd"):
        assert f'formatCode="{code}"' in styles


def test_native_chart_of_partners_per_tier(built_xlsm: Path) -> None:
    with zipfile.ZipFile(built_xlsm) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert charts
        chart = archive.read(charts[0]).decode()
    assert "<c:barChart>" in chart
    assert "<c:f>Tiers!$A$4:$A$6</c:f>" in chart and "<c:f>Tiers!$W$4:$W$6</c:f>" in chart


def test_text_stays_text(tmp_path: Path, example_plan: Plan) -> None:
    plan = example_plan.model_copy(deep=True)
    plan.categories.integration.partners[0].name = '=HYPERLINK("http://x")'
    plan.categories.integration.partners[0].rationale = "+1 -2 @3"
    path = build_workbook(plan, tmp_path / "t.xlsm")
    xml = _sheet_xml(path, L.PARTNERS)
    assert "<f>" not in xml
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.PARTNERS).to_python()
    assert rows[L.PARTNERS_TABLE.first_row + 1][1] == '=HYPERLINK("http://x")'


def test_xlwings_conf_sheet_starts_in_a1(built_xlsm: Path) -> None:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(built_xlsm)).get_sheet_by_name(L.XLWINGS_CONF).to_python()
    assert [r[0] for r in rows[:3]] == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook_and_prints_it_to_pdf(built_xlsm: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    result = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(built_xlsm),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = out / "planner.pdf"
    assert pdf.exists(), result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") + data.count(b"/Type/Page") > 3
