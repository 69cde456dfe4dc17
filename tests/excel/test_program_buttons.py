"""The running program's buttons through xlwings' remote engine: Check deals, Run payouts, Program actuals.

Each button writes what its command-line twin prints for the example's deals (``deals check --json``,
``payouts --json``) and what ``program_actuals`` gives: the tests run both and compare them.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.excel import actions as bridge
from partnerkit.excel.buttons import choose_action
from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
from partnerkit.io.planfile import example_plan_path
from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.build import build_workbook
from partnerkit.model import Plan
from partnerkit.services.workbook import program_tables
from tests.excel.conftest import payload
from tests.excel.test_excel_bridge import DATA, formats, table_at, written
from tests.excel.test_excel_jobs import set_setting, status

REVIEW_DAY = date(2026, 10, 1)
DEALS = L.DEALS_TABLE.headers
PAYOUTS = L.PAYOUTS_TABLE.headers
ACTUALS = L.ACTUALS_TABLE.headers


@pytest.fixture
def program_book(xw: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: Plan) -> Any:
    """The example's workbook with its deals and survey pasted in (as ``workbook new`` fills it), open in
    the remote engine, the review date set to the example's."""
    monkeypatch.chdir(tmp_path)

    def opener(active_sheet: str = L.DEALS) -> Any:
        path = build_workbook(
            example, tmp_path / "planner.xlsx", macros=False, program=program_tables(example)
        )
        book = xw.Book(json=payload(path, active_sheet, xw.__version__))
        set_setting(book, L.REVIEW_DATE, "2026-10-01T00:00:00.000Z")
        return book

    return opener


def sent(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows as the remote engine records them (an empty cell is an empty text)."""
    return [["" if v is None else v for v in row] for row in rows]


def cli_json(*args: str) -> dict[str, Any]:
    """What a command prints with --json, for the example plan and deals."""
    result = CliRunner().invoke(
        cli, [*args, str(example_plan_path()), "--deals", str(example_deals_path()), "--json"]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def deal_cell(book: Any, deal_id: str, partner: str, header: str) -> tuple[int, int]:
    """The 0-based sheet row and column of a deal's cell in the Deals table."""
    top, left = table_at(book, L.DEALS, L.DEALS_TABLE.name)
    values = book.sheets[L.DEALS].api["values"]
    row = next(
        r
        for r in range(top + 1, len(values))
        if values[r][left] == deal_id and values[r][left + 3] == partner
    )
    return row, left + DEALS.index(header)


def test_the_example_workbook_has_its_deals_and_survey_pasted_in(program_book: Any) -> None:
    book = program_book()
    top, left = table_at(book, L.DEALS, L.DEALS_TABLE.name)
    values = book.sheets[L.DEALS].api["values"]
    assert values[top][left : left + len(DEALS)] == DEALS
    exported = example_deals_path().read_text(encoding="utf-8").splitlines()
    assert values[top + 1][left] == "D-0901" and len(exported) - 1 == len(
        [r for r in values[top + 1 :] if r[left]]
    )
    survey = book.sheets[L.SURVEY].api["values"]
    assert survey[DATA][:3] == ["Keystone IT Partners", "2026-05-20T00:00:00.000Z", 9]


def test_check_deals_writes_each_deals_verdict_beside_it(program_book: Any) -> None:
    book = program_book()
    columns = bridge.check_deals(book)
    (write,) = written(book, L.DEALS)
    first = DEALS.index("Registration")
    # One 2-D write of the four result columns, beside the deals.
    assert (write["start_row"], write["start_column"]) == (DATA, first)
    assert write["column_count"] == 4 and write["row_count"] == len(columns["Registration"])
    rows = {(r[0], r[3]): dict(zip(DEALS[first:], w, strict=True)) for r, w in _deal_rows(book, write)}
    lost = rows["D-1002", "Keystone IT Partners"]
    assert lost["Registration"] == "lost" and lost["Finding"] == "conflict"
    assert lost["Protected until"] == "2026-09-30"
    assert "Brightline Advisory holds the account's protection until 2026-09-30" in lost["Why"]
    assert rows["D-1001", "Brightline Advisory"]["Registration"] == "protected"
    assert rows["D-1110", "Mid-Market CFO Association"]["Registration"] == "not allowed"
    shown = formats(book, L.DEALS)
    assert shown[DATA, DEALS.index("Protected until")] == "yyyy-mm-dd"
    assert shown[DATA, DEALS.index("Why")] == "@"
    # Every finding is on the Problems sheet at its cell of the Deals sheet, as a warning.
    (problems,) = written(book, L.PROBLEMS)
    row, col = deal_cell(book, "D-1002", "Keystone IT Partners", "Approved On")
    conflict = next(p for p in problems["values"] if "conflicts with" in p[4])
    assert conflict[:3] == ["warning", L.DEALS, f"{chr(65 + col)}{row + 1}"]
    assert status(book)["Last button"] == "Check deals" and status(book)["Review date used"] == "2026-10-01"


def _deal_rows(book: Any, write: dict[str, Any]) -> list[tuple[list[Any], list[Any]]]:
    top, left = table_at(book, L.DEALS, L.DEALS_TABLE.name)
    values = book.sheets[L.DEALS].api["values"]
    return [
        (values[top + 1 + i][left:], w) for i, w in enumerate(write["values"]) if values[top + 1 + i][left]
    ]


def test_check_deals_says_what_deals_check_json_says(program_book: Any) -> None:
    book = program_book()
    bridge.check_deals(book)
    (write,) = written(book, L.DEALS)
    first = DEALS.index("Registration")
    cli = cli_json("deals", "check", "--as-of", REVIEW_DAY.isoformat())
    excel = [dict(zip(DEALS[first:], w, strict=True)) for _, w in _deal_rows(book, write)]
    counts = {s: sum(1 for r in excel if r["Registration"] == s) for s in cli["registrations"]}
    assert counts == cli["registrations"]
    by_deal = {(r[0], r[3]): (w[2] or "", w[3] or "") for r, w in _deal_rows(book, write)}
    assert cli["findings"]
    for f in cli["findings"]:
        kinds, why = by_deal[f["deal_id"], f["partner"]]
        assert f["kind"] in kinds.split(", ") and f["reason"] in why
    assert sum(len(k.split(", ")) for k, _ in by_deal.values() if k) == len(cli["findings"])
    # The same findings on the Problems sheet, in the CLI's words, each at the CLI's row (shifted to
    # the sheet: the export's line 5 is the table's fourth data row).
    (problems,) = written(book, L.PROBLEMS)
    messages = {p[4] for p in problems["values"] if p[1] == L.DEALS}
    assert {f["message"] for f in cli["findings"]} <= messages
    top, _ = table_at(book, L.DEALS, L.DEALS_TABLE.name)
    for f in cli["findings"]:
        line = int(f["location"].rsplit(":", 1)[1])
        cell = next(p[2] for p in problems["values"] if p[4] == f["message"])
        assert int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == top + line


def test_a_bad_deal_cell_is_reported_on_its_cell_in_the_file_readers_words(
    program_book: Any, tmp_path: Path
) -> None:
    from partnerkit.io.planfile import load
    from partnerkit.services import read_deals

    book = program_book()
    row, col = deal_cell(book, "D-1003", "Brightline Advisory", "Amount")
    book.sheets[L.DEALS].api["values"][row][col] = "$12K"
    bridge.check_deals(book)
    (problems,) = written(book, L.PROBLEMS)
    excel = next(p for p in problems["values"] if p[0] == "error")
    assert excel[1:3] == [L.DEALS, f"{chr(65 + col)}{row + 1}"]
    # The export with the same cell, read by the file reader: the same message and hint.
    lines = example_deals_path().read_text(encoding="utf-8").splitlines()
    lines = [line.replace(",12000,USD", ",$12K,USD") if line.startswith("D-1003") else line for line in lines]
    bad = tmp_path / "deals.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = [p for p in read_deals(bad, load(example_plan_path())).problems if p.is_error]
    assert (excel[4], excel[5]) == (problem.message, problem.hint or "")
    # Nothing is checked from a table with errors (as deals check): the verdict columns are cleared.
    (write,) = written(book, L.DEALS)
    assert all(v is None or v == "" for r in write["values"] for v in r)


def test_an_empty_deals_table_is_one_problem_on_its_first_row(open_book: Any, example: Plan) -> None:
    book = open_book(example, active_sheet=L.DEALS)
    assert bridge.check_deals(book, as_of=REVIEW_DAY) == {c.header: [None] for c in L.DEALS_TABLE.results}
    (problems,) = written(book, L.PROBLEMS)
    (empty,) = [p for p in problems["values"] if p[0] == "error"]
    assert empty[1:3] == [L.DEALS, f"A{DATA + 1}"] and "no deal rows" in empty[4]


def test_run_payouts_writes_what_payouts_prints(program_book: Any) -> None:
    book = program_book(L.PAYOUTS)
    rows = bridge.run_payouts(book)
    (write,) = written(book, L.PAYOUTS)
    assert (write["start_row"], write["start_column"]) == (DATA, 0) and write["values"] == sent(rows)
    # The payout period: the quarter before the review date.
    cli = cli_json("payouts", "--period", "2026-Q3")
    *statements, total = (dict(zip(PAYOUTS, r, strict=True)) for r in rows)
    assert [s["Partner"] for s in statements] == [s["partner"] for s in cli["statements"]]
    keys = {
        "Earned": "earned",
        "Clawed back": "clawed_back",
        "Accelerator": "accelerator",
        "Brought forward": "carried_in",
        "Payable": "payable",
        "Carried over": "carried_out",
        "Sourced revenue": "sourced_revenue",
        "Net": "net",
    }
    for excel, json_ in zip(statements, cli["statements"], strict=True):
        for header, key in keys.items():
            assert Decimal(str(excel[header])) == Decimal(json_[key]), (excel["Partner"], header)
        assert (excel["Period"], excel["Currency"], excel["Status"]) == ("2026-Q3", "USD", json_["status"])
    assert total["Partner"] == L.RUN_TOTAL
    assert Decimal(str(total["Payable"])) == Decimal(cli["payable"]) == Decimal("44000.00")
    assert Decimal(str(total["Carried over"])) == Decimal(cli["carried_out"])
    assert total["Status"] == f"paid to {cli['paid']} of {cli['partners']} partners"
    assert formats(book, L.PAYOUTS)[DATA, PAYOUTS.index("Payable")] == '"$"#,##0.00'
    assert status(book)["Last button"] == "Run payouts"


def test_run_payouts_writes_the_statements_beside_the_workbook_and_keeps_an_edited_one(
    program_book: Any, tmp_path: Path
) -> None:
    book = program_book(L.PAYOUTS)
    rows = bridge.run_payouts(book)
    folder = tmp_path / "planner documents" / "payouts" / "2026-Q3"
    statements = sorted(folder.glob("*.docx"))
    assert len(statements) == len(rows) - 1
    # The same files as partnerkit payouts -o DIR writes (statements are dated the period's last day).
    cli_dir = tmp_path / "cli"
    result = CliRunner().invoke(
        cli,
        [
            "payouts",
            str(example_plan_path()),
            "--deals",
            str(example_deals_path()),
            "--period",
            "2026-Q3",
            "-o",
            str(cli_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (folder / "summary.csv").read_bytes() == (cli_dir / "summary.csv").read_bytes()
    assert sorted(p.name for p in cli_dir.glob("*.docx")) == [p.name for p in statements]
    (documents,) = written(book, L.AGREEMENTS)
    listed = {r[1]: r[2] for r in documents["values"] if r[0] == "Payout statement"}
    assert set(listed) == {r[0] for r in rows[:-1]}
    assert Path(listed["Ledger & Lane CPAs"]).name == "Ledger-Lane-CPAs.docx"
    # A second click replaces what the button wrote, but keeps a statement someone edited since.
    edited = folder / "Ledger-Lane-CPAs.docx"
    edited.write_bytes(edited.read_bytes() + b"edited")
    again = program_book(L.PAYOUTS)
    bridge.run_payouts(again)
    assert edited.read_bytes().endswith(b"edited")
    (problems,) = written(again, L.PROBLEMS)
    assert any(
        "Ledger-Lane-CPAs.docx was edited after partnerkit wrote it" in p[4] for p in problems["values"]
    )


def test_the_payout_period_setting_picks_the_period(program_book: Any) -> None:
    book = program_book(L.PAYOUTS)
    set_setting(book, L.PAYOUT_PERIOD, "2026-Q2")
    rows = bridge.run_payouts(book)
    assert {r[PAYOUTS.index("Period")] for r in rows} == {"2026-Q2"}
    cli = cli_json("payouts", "--period", "2026-Q2")
    assert Decimal(str(rows[-1][PAYOUTS.index("Payable")])) == Decimal(cli["payable"])


def test_a_payout_period_that_is_not_one_is_a_warning_on_its_cell(program_book: Any) -> None:
    book = program_book(L.PAYOUTS)
    set_setting(book, L.PAYOUT_PERIOD, "next quarter")
    rows = bridge.run_payouts(book)
    assert rows[-1][PAYOUTS.index("Period")] == "2026-Q3"  # the default applied
    (problems,) = written(book, L.PROBLEMS)
    (warning,) = [p for p in problems["values"] if p[4].startswith("Payout period = 'next quarter'")]
    top, _ = table_at(book, L.OVERVIEW, "Settings")
    assert warning[:3] == ["warning", L.OVERVIEW, f"B{top + 1 + len(L.SETTINGS_ROWS)}"]


def example_actuals() -> tuple[Any, Any]:
    """The example plan loaded, and its actuals as the service measures them on the Settings' review
    date over the payout period the workbook sets (the quarter before it)."""
    from partnerkit.io.planfile import load
    from partnerkit.services import program_actuals, read_deals, read_survey

    loaded = load(example_plan_path())
    survey = read_survey(example_survey_path(), loaded)
    deals = read_deals(example_deals_path(), loaded)
    return loaded, program_actuals(loaded, deals, survey, REVIEW_DAY, period="2026-Q3")


def test_program_actuals_writes_the_services_figures(program_book: Any) -> None:
    book = program_book(L.ACTUALS)
    rows = bridge.program_actuals(book)
    (write,) = written(book, L.ACTUALS)
    assert (write["start_row"], write["start_column"]) == (DATA, 0) and write["values"] == sent(rows)
    _, expected = example_actuals()
    records = [dict(zip(ACTUALS, r, strict=True)) for r in rows]
    metrics = [r for r in records if r["Section"] == "Metric"]
    assert [(r["Item"], r["Period"]) for r in metrics] == [(m.metric, m.period) for m in expected.metrics]
    for excel, m in zip(metrics, expected.metrics, strict=True):
        if m.unit.value != "percent":
            assert excel["Target"] == (None if m.target is None else float(m.target)), m.metric
            assert excel["Actual"] == (None if m.actual is None else float(m.actual)), m.metric
        assert excel["Attainment"] == (None if m.attainment is None else float(m.attainment))
    revenue = next(r for r in metrics if r["Item"] == "Partner-sourced revenue" and r["Period"] == "Year 1")
    assert revenue["Actual"] == 230200.15 and revenue["Attainment"] == 0.1535
    nps = next(r for r in metrics if r["Item"] == "Partner satisfaction (NPS)" and r["Period"] == "Year 1")
    assert (nps["Actual"], nps["Responses"]) == (20, 10)  # from the Survey table
    tiers = [r for r in records if r["Section"] == "Program economics"]
    assert [t["Item"] for t in tiers] == [t.tier for t in expected.economics]
    for excel, t in zip(tiers, expected.economics, strict=True):
        assert excel["Period"] == "2026-Q3" and excel["Partners"] == t.partners
        assert Decimal(str(excel["Benefit cost"])) == t.total_cost
        assert Decimal(str(excel["Sourced revenue"])) == t.sourced_revenue
    assert formats(book, L.ACTUALS)[DATA, ACTUALS.index("Attainment")] == "0.0%"
    assert status(book)["Last button"] == "Program actuals"


def test_program_actuals_reads_the_survey_on_its_cells(program_book: Any) -> None:
    book = program_book(L.SURVEY)
    book.sheets[L.SURVEY].api["values"][DATA][2] = 11
    assert bridge.program_actuals(book) == []
    (problems,) = written(book, L.PROBLEMS)
    (error,) = [p for p in problems["values"] if p[0] == "error"]
    assert error[1:3] == [L.SURVEY, f"C{DATA + 1}"] and error[5] == "scores are 0 to 10"


def test_the_buttons_of_an_older_workbook_without_a_deals_sheet_say_so(
    program_book: Any, xw: Any, tmp_path: Path, example: Plan
) -> None:
    path = build_workbook(example, tmp_path / "old.xlsx", macros=False)
    sent = payload(path, L.OVERVIEW, xw.__version__)
    sent["sheets"] = [s for s in sent["sheets"] if s["name"] != L.DEALS]
    book = xw.Book(json=sent)
    bridge.run(book, "check_deals")
    (problems,) = written(book, L.PROBLEMS)
    assert any("no table named 'Deals'" in p[4] for p in problems["values"])


@pytest.mark.parametrize(
    ("sheet", "caption", "action"),
    [
        (L.DEALS, None, "check_deals"),
        (L.PAYOUTS, None, "run_payouts"),
        (L.ACTUALS, None, "program_actuals"),
        (L.OVERVIEW, "Run payouts", "run_payouts"),
        (L.OVERVIEW, "check  Deals", "check_deals"),
    ],
)
def test_the_new_buttons_are_found_by_caption_and_sheet(sheet: str, caption: str | None, action: str) -> None:
    assert choose_action(sheet, caption) == action


def _actuals_section(markdown: str) -> str:
    """The Actuals section of a Markdown strategy, from its heading to the next one of its level."""
    start = markdown.index("## Actuals")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else len(markdown)]


def test_the_strategy_button_has_the_actuals_the_program_actuals_button_measures(
    program_book: Any, tmp_path: Path
) -> None:
    """With deals on the Deals sheet, the strategy's Actuals section holds the figures of
    ``program_actuals`` on the Settings' review date and payout period (the Actuals sheet's)."""
    from partnerkit.services import write_strategy

    book = program_book(L.OVERVIEW)
    paths = bridge.generate_strategy_report(book, tmp_path / "documents")
    assert [p.name for p in paths] == [
        "strategy.md",
        "strategy-roadmap.png",
        "strategy-actuals.png",
        "strategy.docx",
    ]
    loaded, expected = example_actuals()
    service = tmp_path / "service" / "strategy.md"
    write_strategy(loaded, service, actuals=expected)
    button = _actuals_section(paths[0].read_text(encoding="utf-8"))
    assert button == _actuals_section(service.read_text(encoding="utf-8"))
    assert "230,200.15" in button and "2026-Q3" in button
    (documents,) = written(book, L.AGREEMENTS)
    assert ["Actuals chart", "", str(paths[2])] in documents["values"]
    assert status(book)["Last button"] == "Generate strategy report"


def test_the_strategy_button_without_deals_has_no_actuals(program_book: Any, tmp_path: Path) -> None:
    book = program_book(L.OVERVIEW)
    values = book.sheets[L.DEALS].api["values"]
    top, left = table_at(book, L.DEALS, L.DEALS_TABLE.name)
    for r in range(top + 1, len(values)):  # the Deals table emptied, as in a new workbook
        for c in range(left, left + len(DEALS)):
            values[r][c] = ""
    paths = bridge.generate_strategy_report(book, tmp_path / "documents")
    assert "## Actuals" not in paths[0].read_text(encoding="utf-8")
    assert not any(p.name == "strategy-actuals.png" for p in paths)
