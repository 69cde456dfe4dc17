"""``deals check --findings FILE.csv``: every finding as a table, its cells safe, nobody's file overwritten."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.pipeline.examples import example_deals_path
from partnerkit.io.pipeline.findings import FINDINGS_COLUMNS
from partnerkit.io.planfile import example_plan_path

PLAN = str(example_plan_path())
HEADER = "Deal ID,Account Name,Account Domain,Partner,Touch,Registered On,Approved On,Stage,Amount"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(example_deals_path(), tmp_path / "deals.csv"))


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == FINDINGS_COLUMNS
        return list(reader)


def test_the_table_holds_every_finding_as_the_json_lists_it(export: Path, tmp_path: Path) -> None:
    table = tmp_path / "out" / "findings.csv"
    args = ("deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30")
    code, out, err = run(*args, "--findings", str(table), "--json")
    assert code == 0
    listed = json.loads(out)["findings"]
    rows = rows_of(table)
    assert len(rows) == len(listed) == 6
    for row, finding in zip(rows, listed, strict=True):
        assert (row["kind"], row["deal_id"], row["partner"], row["where"], row["reason"]) == (
            finding["kind"],
            finding["deal_id"],
            finding["partner"],
            finding["location"],
            finding["reason"],
        )
        assert row["winner"] == (finding["winner"] or {}).get("partner", "")
        assert row["protected_until"] == (finding["protected_until"] or "")
    conflict = next(r for r in rows if r["kind"] == "conflict")
    assert conflict["where"] == "deals.csv:5" and conflict["winner"] == "Brightline Advisory"
    assert f"wrote 6 findings to {table}" in err


def test_a_large_check_lists_some_and_the_table_holds_them_all(tmp_path: Path) -> None:
    # 80 registrations of one account by two partners: Keystone's 40 lose to Brightline's protection
    rows = [
        f"D-{n:03d},Acme Inc,acme.example,{'Keystone IT Partners' if n % 2 else 'Brightline Advisory'},"
        f"sourced,2026-07-{1 + n // 4:02d},2026-07-{1 + n // 4:02d},Negotiation,1000"
        for n in range(80)
    ]
    export = tmp_path / "deals.csv"
    export.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    table = tmp_path / "findings.csv"
    code, out, _ = run(
        "deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30", "--findings", str(table)
    )
    assert code == 0
    assert (
        f"... and 15 more (15 conflict): the first 25 of each kind are shown; every one is in {table}"
        in " ".join(out.split())  # the terminal's line is wrapped where it is long
    )
    found = rows_of(table)
    assert [r["kind"] for r in found] == ["conflict"] * 40
    assert [r["deal_id"] for r in found] == sorted(r["deal_id"] for r in found)


def test_a_name_that_would_run_as_a_formula_is_written_as_text(tmp_path: Path) -> None:
    export = tmp_path / "deals.csv"
    # a sourced touch never registered: one finding, on an account name that is a formula
    row = 'D-1,"=HYPERLINK(""http://x.example"",""open"")",,Keystone IT Partners,sourced,,,Negotiation,1000'
    export.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    table = tmp_path / "findings.csv"
    code, _, _ = run(
        "deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30", "--findings", str(table)
    )
    assert code == 0
    (found,) = rows_of(table)
    assert found["account"] == '\'=HYPERLINK("http://x.example","open")'


def test_an_existing_file_is_kept_unless_forced(export: Path, tmp_path: Path) -> None:
    table = tmp_path / "findings.csv"
    table.write_text("my notes\n", encoding="utf-8")
    args = ("deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30", "--findings", str(table))
    code, _, err = run(*args)
    assert code != 0 and "exists" in err and "--force" in err and "Traceback" not in err
    assert table.read_text(encoding="utf-8") == "my notes\n"
    code, _, _ = run(*args, "--force")
    assert code == 0 and len(rows_of(table)) == 6


def test_the_table_never_replaces_an_input_or_takes_another_kind_of_file(
    export: Path, tmp_path: Path
) -> None:
    before = export.read_bytes()
    args = ("deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30")
    code, _, err = run(*args, "--findings", str(export), "--force")
    assert code == 2 and "is an input of the check" in err
    assert export.read_bytes() == before
    code, _, err = run(*args, "--findings", str(tmp_path / "findings.xlsx"))
    assert code == 2 and "name the file .csv" in err
    assert not (tmp_path / "findings.xlsx").exists()


def test_names_from_the_export_print_as_written(export: Path) -> None:
    # a CRM's text is untrusted: rich markup in a deal id must print, not style or vanish
    text = export.read_text(encoding="utf-8").replace("D-1002,", "[bold]D-1002[/bold][eu],", 1)
    export.write_text(text, encoding="utf-8")
    code, out, _ = run("deals", "check", PLAN, "--deals", str(export), "--as-of", "2026-09-30")
    assert code == 0
    assert "[bold]D-1002[/bold][eu]" in out.replace("\n", "").replace("│", "").replace(" ", "")
