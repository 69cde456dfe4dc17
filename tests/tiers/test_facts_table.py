"""Facts tables from CSV and XLSX: values, dated rows, and every bad cell located with header and rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerkit.errors import UnreadableFileError
from partnerkit.io.facts import column_letter, header_key, load_facts
from partnerkit.model import Plan


def write_csv(tmp_path: Path, text: str, name: str = "facts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_one_row_per_partner(tmp_path: Path, example_plan: Plan) -> None:
    path = write_csv(
        tmp_path,
        "Partner,Certified Staff,Executive sponsor,certification_expires,tier,tier_since\n"
        "Orbit CRM,4,yes,2027-01-31,Premier,2026-10-01\n"
        "Stackpay,,FALSE,,,\n",
    )
    table, problems = load_facts(path, example_plan)
    assert problems == []
    assert table.partners == ["Orbit CRM", "Stackpay"]
    assert table.values["certified_staff"] == [4, None]  # an empty cell is unknown, not zero
    assert table.values["executive_sponsor"] == [True, False]
    assert table.values["certification_expires"] == [date(2027, 1, 31), None]
    assert table.current_tier == ["Premier", None]
    assert table.tier_since == [date(2026, 10, 1), None]


def test_csv_dated_rows(tmp_path: Path, example_plan: Plan) -> None:
    path = write_csv(
        tmp_path,
        "partner;date;revenue;deals;certified_staff\n"
        "Orbit CRM;2026-06-30;25000;2;1\n"
        "Orbit CRM;2026-09-30;30000;0;3\n"
        "Orbit CRM;2026-03-31;10000;1;9\n",
    )
    table, problems = load_facts(path, example_plan)
    assert problems == []
    assert table.dated["revenue"].value == [25000, 30000, 10000]
    assert table.dated["deals"].value == [2, 0, 1]
    assert table.values["certified_staff"] == [3]  # the latest date wins for an undated fact


def test_a_row_with_a_bad_date_still_has_its_other_cells_checked(tmp_path: Path, example_plan: Plan) -> None:
    path = write_csv(
        tmp_path,
        "partner,date,revenue,deals\nOrbit CRM,30/09/2026,$50K,x\nOrbit CRM,,1000,1\n",
    )
    table, problems = load_facts(path, example_plan)
    shown = [str(p) for p in problems]
    assert [s.split(":")[1] + ":" + s.split("'")[1] for s in shown] == [
        "2:date",
        "2:revenue",
        "2:deals",
        "3:date",
    ]
    assert "facts.csv:2: 'deals' 'x': expected a whole number such as 12" in shown[2]
    assert table.dated["revenue"].value == []  # nothing from a row without its date


@pytest.mark.parametrize("huge", ["1e999", "-1e999", "inf"])
def test_infinite_numbers_are_a_located_problem_not_a_crash(
    tmp_path: Path, example_plan: Plan, huge: str
) -> None:
    path = write_csv(tmp_path, f"partner,date,revenue,deals\nOrbit CRM,2026-09-30,{huge},{huge}\n")
    _, problems = load_facts(path, example_plan)
    assert [p.location for p in problems] == ["facts.csv:2", "facts.csv:2"]


def test_every_bad_cell_is_reported_with_place_header_value_and_rule(
    tmp_path: Path, example_plan: Plan
) -> None:
    path = write_csv(
        tmp_path,
        "partner,certified_staff,executive_sponsor,certification_expires,tier\n"
        "Orbit CRM,2.5,maybe,31/12/2026,Premeir\n"
        ",1,yes,,\n"
        "Orbit CRM,1,yes,,\n",
    )
    _, problems = load_facts(path, example_plan)
    shown = [str(p) for p in problems]
    assert (
        "facts.csv:2: 'certified_staff' '2.5': a count must be a whole number (the certified_staff column holds whole numbers)"
        in shown
    )
    assert any(s.startswith("facts.csv:2: 'executive_sponsor' 'maybe': expected yes/no") for s in shown)
    assert any(
        s.startswith("facts.csv:2: 'certification_expires' '31/12/2026': expected a date") for s in shown
    )
    assert "facts.csv:2: 'tier' 'Premeir': not a tier of the plan (did you mean 'Premier'?)" in shown
    assert "facts.csv:3: 'partner': the partner name is empty" in shown
    assert "facts.csv:4: partner 'Orbit CRM' is listed twice (first at facts.csv:2)" in shown


def test_money_shorthand_and_negative_values_are_refused(tmp_path: Path, example_plan: Plan) -> None:
    path = write_csv(
        tmp_path, 'partner,date,revenue\nA,2026-09-30,$50K\nB,2026-09-30,"50,000"\nC,2026-09-30,-5\n'
    )
    _, problems = load_facts(path, example_plan)
    shown = [str(p) for p in problems]
    assert any("facts.csv:2: 'revenue' '$50K'" in s and "write 50000" in s for s in shown)
    assert any("facts.csv:3: 'revenue' '50,000'" in s and "write 50000" in s for s in shown)
    assert any("facts.csv:4: 'revenue' '-5': cannot be negative" in s for s in shown)


def test_unknown_columns_and_dated_facts_without_dates(tmp_path: Path, example_plan: Plan) -> None:
    _, problems = load_facts(write_csv(tmp_path, "partner,certifed_staff\nA,1\n"), example_plan)
    assert [str(p) for p in problems] == [
        "facts.csv:1: column 'certifed_staff' is not a fact of the plan (did you mean 'certified_staff'?)"
    ]
    _, problems = load_facts(write_csv(tmp_path, "partner,revenue\nA,1\n"), example_plan)
    assert "add a 'date' column" in str(problems[0])
    _, problems = load_facts(write_csv(tmp_path, "name_of_partner,revenue\nA,1\n"), example_plan)
    assert any("no 'partner' column" in str(p) for p in problems)


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy-mm-dd", "strings_to_formulas": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_xlsx_every_sheet_with_cell_addresses(tmp_path: Path, example_plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "facts.xlsx",
        {
            "Facts": [
                ["partner", "certified staff", "joint business plan", "certification_expires"],
                ["Orbit CRM", 4, True, date(2027, 1, 31)],
                ["Stackpay", 1.5, "perhaps", 46000],
            ],
            "Revenue": [["Partner", "Date", "Revenue"], ["Orbit CRM", date(2026, 9, 30), 120000]],
        },
    )
    table, problems = load_facts(path, example_plan)
    shown = [str(p) for p in problems]
    assert "facts.xlsx: Facts!B3: 'certified staff' 1.5: a count must be a whole number" in shown
    assert any(s.startswith("facts.xlsx: Facts!C3: 'joint business plan' 'perhaps'") for s in shown)
    assert any(
        s.startswith("facts.xlsx: Facts!D3: 'certification_expires' 46000")
        and "format the cell as a date" in s
        for s in shown
    )
    assert table.values["certified_staff"][0] == 4
    assert table.values["joint_business_plan"][0] is True
    assert table.values["certification_expires"][0] == date(2027, 1, 31)
    assert table.dated["revenue"].value == [120000.0]


def test_xlsx_sheets_without_a_partner_column_are_passed_over(tmp_path: Path, example_plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "facts.xlsx",
        {
            "Notes": [["Exported from the CRM on 1 October"], ["ask ops about Stackpay"]],
            "Facts": [["partner", "certified staff"], ["Orbit CRM", 4]],
        },
    )
    table, problems = load_facts(path, example_plan)
    assert [str(p) for p in problems] == [
        "facts.xlsx: Notes!A1: warning: sheet 'Notes' has no 'partner' column; it was not read"
    ]
    assert table.values["certified_staff"][0] == 4


def test_xlsx_with_no_partner_column_anywhere_is_an_error(tmp_path: Path, example_plan: Plan) -> None:
    path = write_xlsx(
        tmp_path / "facts.xlsx", {"Notes": [["organisation", "certified staff"], ["Orbit CRM", 4]]}
    )
    _, problems = load_facts(path, example_plan)
    assert any(p.is_error and "no 'partner' column" in str(p) for p in problems)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("facts.xlsx", b"partner,revenue\n", "not an Excel workbook"),
        ("facts.xlsx", b"PK\x03\x04truncated", "cannot read the workbook"),
        ("facts.csv", b"PK\x03\x04\x00\x00", "binary file"),
        ("facts.csv", "partner\nA\u00e9\n".encode("latin-1"), "not UTF-8"),
        ("facts.xls", b"\xd0\xcf\x11\xe0", "must be a .csv or .xlsx"),
    ],
)
def test_unreadable_files_get_one_sentence(
    tmp_path: Path, example_plan: Plan, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=message):
        load_facts(path, example_plan)


def test_a_workbook_that_inflates_too_far_is_refused(
    tmp_path: Path, example_plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile
    from dataclasses import replace

    import partnerkit.io.facts as facts_io

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 12_000_000)
    with pytest.raises(UnreadableFileError, match="compressed suspiciously well"):
        load_facts(path, example_plan)
    monkeypatch.setattr(facts_io, "LIMITS", replace(facts_io.LIMITS, max_total_bytes=1_000_000))
    with pytest.raises(UnreadableFileError, match="unpacks to 12 MB"):
        load_facts(path, example_plan)


def test_missing_file(tmp_path: Path, example_plan: Plan) -> None:
    with pytest.raises(UnreadableFileError, match="cannot read"):
        load_facts(tmp_path / "nope.csv", example_plan)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_only_documented_problems(example_plan: Plan, text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.csv"
        path.write_text(text, encoding="utf-8")
        try:
            _, problems = load_facts(path, example_plan)
        except UnreadableFileError:
            return
        assert all(p.location and p.location.startswith("facts.csv:") for p in problems)


def test_header_and_column_helpers() -> None:
    assert header_key("  Certified\u00a0staff ") == "certified_staff"
    assert header_key("tier-since") == "tier_since"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


@pytest.mark.parametrize("text", ["", "partner,certified_staff\n"])
def test_an_empty_export_is_a_problem_not_a_silent_no_change(
    tmp_path: Path, example_plan: Plan, text: str
) -> None:
    _, problems = load_facts(write_csv(tmp_path, text), example_plan)
    assert [(p.location, p.message) for p in problems] == [
        ("facts.csv:1", "the facts table has no partner rows")
    ]


def test_a_dot_for_thousands_in_money_and_counts_is_ambiguous(tmp_path: Path, example_plan: Plan) -> None:
    path = write_csv(
        tmp_path,
        "partner,date,revenue,deals\nOrbit CRM,2026-09-30,50.000,2.000\nOrbit CRM,2026-06-30,500.50,2\n",
    )
    _, problems = load_facts(path, example_plan)
    assert [str(p) for p in problems] == [
        "facts.csv:2: 'revenue' '50.000': '50.000' is ambiguous: write 50000 if the dot separates thousands, "
        "or 50.00 for 50 (no thousands separators) (the revenue column holds money)",
        "facts.csv:2: 'deals' '2.000': '2.000' is ambiguous: write 2000 if the dot separates thousands, "
        "or 2 (no thousands separators) (the deals column holds whole numbers)",
    ]
