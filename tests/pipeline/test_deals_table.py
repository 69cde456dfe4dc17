"""The deals table and survey responses readers: header tolerance, located problems, all in one run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerkit.errors import UnreadableFileError
from partnerkit.io.facts import _OTHER_BREAKS, _lines
from partnerkit.io.pipeline.deals import read_deals
from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
from partnerkit.io.pipeline.survey import read_survey
from partnerkit.model import Plan
from partnerkit.pipeline import CreditOverride, Stage, Touch
from partnerkit.services.deals import partner_names

HEADER = "Deal ID,Account Name,Account Domain,Partner,Touch,Registered On,Approved On,Stage,Close Date,Amount,Currency"
GOOD = "D-1,Acme Inc,acme.example,Brightline Advisory,sourced,2026-07-01,2026-07-02,Closed Won,2026-08-01,1000,USD"


def write(tmp_path: Path, *lines: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(plan: Plan, path: Path):  # type: ignore[no-untyped-def]
    return read_deals(path, partner_names(plan), plan.product.currency)


def test_the_shipped_example_reads_cleanly(example_plan: Plan) -> None:
    table = read(example_plan, example_deals_path())
    assert table.problems == []
    assert len(table.deals) == 20
    override = next(d for d in table.deals if d.deal_id == "D-1090")
    assert override.credit is CreditOverride.SOURCED and override.credit_reason
    assert next(d for d in table.deals if d.deal_id == "D-1050").amount == Decimal("1200.15")
    assert table.where(0) == "ledgerly-deals.csv:2"


def test_headers_are_matched_like_the_facts_table(example_plan: Plan, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "opportunity id, Company ,WEBSITE,partner-name,Partner Role,Registration Date,Approval Date,deal_stage,"
        "Closed On,ACV,Owner",
        "7,Acme Inc,www.acme.example,brightline advisory,Partner-Sourced,2026-07-01,2026-07-02,Negotiation,,1000,Jo",
    )
    table = read(example_plan, path)
    [deal] = table.deals
    assert (deal.deal_id, deal.partner, deal.touch, deal.stage) == (
        "7",
        "Brightline Advisory",
        Touch.SOURCED,
        Stage.OPEN,
    )
    assert deal.currency == "USD"  # the plan's, without a currency column
    [warning] = table.problems
    assert not warning.is_error and "column 'Owner' is not a deals column" in warning.message


def test_every_bad_cell_is_a_located_problem_in_one_run(example_plan: Plan, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER,
        GOOD,
        "D-2,Acme,,Brightline Advisry,sourced,2026-07-01,2026-07-02,Closed Won,2026-08-01,1000,USD",
        "D-3,Acme,,Keystone IT Partners,sorced,07/01/2026,2026-07-02,Closed Won,2026-08-01,$48K,USD",
        "D-4,Acme,,Keystone IT Partners,sourced,2026-07-05,2026-07-02,Closed Won,,1000.005,usd",
        "D-5,,,Keystone IT Partners,sourced,2026-07-05,2026-07-06,Closed Wno,2026-08-01,-5,US",
    )
    table = read(example_plan, path)
    found = {(p.location, p.message.split(":")[0]) for p in table.problems}
    messages = " | ".join(f"{p.location}: {p.message} ({p.hint})" for p in table.problems)
    assert "deals.csv:3" in messages and "did you mean 'Brightline Advisory'?" in messages
    assert "'Touch' 'sorced': is not a touch" in messages and "did you mean 'sourced'?" in messages
    assert "'07/01/2026' is ambiguous; write the ISO date you mean (2026-01-07 or 2026-07-01)" in messages
    assert "'$48K' is not a plain amount; write 48000" in messages
    assert "has more than two decimals" in messages
    assert "not a stage partnerkit knows" in messages
    assert "'Account Name': the account name is empty" in messages
    assert "is not an ISO currency code" in messages
    assert all(p.is_error and p.location and p.location.startswith("deals.csv:") for p in table.problems)
    assert len(found) >= 8
    assert [d.deal_id for d in table.deals] == ["D-1"]  # rows with a bad cell are left out


def test_rows_that_contradict_themselves(example_plan: Plan, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + ",Credit Override,Override Reason,Refunded On",
        "D-1,Acme,,Keystone IT Partners,sourced,2026-07-05,2026-07-02,Closed Won,2026-08-01,1000,USD,,,",
        "D-2,Acme,,Keystone IT Partners,sourced,2026-07-01,2026-07-02,Closed Won,,1000,USD,,,",
        "D-3,Acme,,Keystone IT Partners,sourced,2026-07-01,2026-07-02,Closed Won,2026-08-01,1000,USD,sourced,,",
        "D-4,Acme,,Keystone IT Partners,sourced,2026-07-01,2026-07-02,Closed Won,2026-08-01,1000,USD,,,2026-07-30",
    )
    messages = [f"{p.location}: {p.message}" for p in read(example_plan, path).problems]
    assert messages == [
        "deals.csv:2: deal D-1: approved on 2026-07-02, before it was registered (2026-07-05)",
        "deals.csv:3: deal D-2: a won deal needs its close date",
        "deals.csv:4: deal D-3: a credit override needs its reason",
        "deals.csv:5: deal D-4: refunded on 2026-07-30, before the deal closed (2026-08-01)",
    ]


def test_missing_columns_and_an_empty_export(example_plan: Plan, tmp_path: Path) -> None:
    [problem] = read(example_plan, write(tmp_path, "Deal ID,Partner,Amount", "D-1,Stackpay,5")).problems
    assert (
        "no 'Account Name', 'Touch', 'Stage' column" in problem.message and problem.location == "deals.csv:1"
    )
    [empty] = read(example_plan, write(tmp_path, HEADER, name="empty.csv")).problems
    assert empty.message == "the deals table has no deal rows"


def test_a_partner_listed_twice_on_a_deal_is_a_warning(example_plan: Plan, tmp_path: Path) -> None:
    table = read(example_plan, write(tmp_path, HEADER, GOOD, GOOD))
    [warning] = table.problems
    assert not warning.is_error and "(first at deals.csv:2)" in warning.message


def test_xlsx_cells_are_located_by_sheet_and_cell(example_plan: Plan, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Notes")
    notes.write(0, 0, "exported from the CRM")
    sheet = book.add_worksheet("Deals")
    for c, head in enumerate(HEADER.split(",")):
        sheet.write(0, c, head)
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    row = GOOD.split(",")
    for c, value in enumerate(row):
        sheet.write(1, c, value)
    sheet.write_datetime(1, 5, __import__("datetime").datetime(2026, 7, 1), dated)
    sheet.write_number(1, 9, 1200.15)
    for c, value in enumerate(row):
        sheet.write(2, c, value)
    sheet.write(2, 9, "48,000")
    book.close()
    table = read(example_plan, path)
    [deal] = table.deals
    assert deal.registered_on == date(2026, 7, 1) and deal.amount == Decimal("1200.15")
    problems = {p.location: p for p in table.problems}
    assert "'48,000' is not a plain amount; write 48000" in problems["deals.xlsx: Deals!J3"].message
    assert not problems["deals.xlsx: Notes!A1"].is_error
    assert table.where(0, "amount") == "deals.xlsx: Deals!J2"


def test_files_that_are_not_tables(example_plan: Plan, tmp_path: Path) -> None:
    binary = tmp_path / "deals.csv"
    binary.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UnreadableFileError, match="binary file"):
        read(example_plan, binary)
    other = tmp_path / "deals.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(UnreadableFileError, match=r"a deals table must be a \.csv or \.xlsx file"):
        read(example_plan, other)


def test_a_quoted_cell_may_hold_a_line_break(example_plan: Plan, tmp_path: Path) -> None:
    # CRM exports put notes with line breaks in quotes; the row goes on after the break, and a
    # later row is placed by its row number, as a spreadsheet shows it.
    notes = GOOD.replace("Acme Inc", '"Acme\nInc"').replace(",USD", ',USD,"called twice\r\nthen won"')
    odd = GOOD.replace("D-1,Acme Inc", "D-2,Beta\u2028Co").replace("1000", "lots")
    path = write(tmp_path, HEADER + ",Notes", notes + ",x", odd + ",y")
    table = read(example_plan, path)
    assert [d.deal_id for d in table.deals] == ["D-1"]
    assert table.deals[0].account_name == "Acme Inc"  # a name's spaces are folded, line breaks too
    errors = [p for p in table.problems if p.is_error]
    assert [(p.location, "lots" in p.message) for p in errors] == [("deals.csv:3", True)]


def test_quoted_line_breaks_without_odd_characters(example_plan: Plan, tmp_path: Path) -> None:
    # The common export: no form feed or Unicode line separator anywhere (the text is split in C);
    # rows end in \r\n, \n or a lone \r, and quoted cells hold each of them.
    notes = GOOD.replace("Acme Inc", '"Acme\r\nInc"').replace(",USD", ',USD,"called\rtwice\nthen won"')
    second = GOOD.replace("D-1,", "D-2,").replace("1000", "lots")
    path = tmp_path / "deals.csv"
    path.write_bytes(f"{HEADER},Notes\r\n{notes}\r{second},y\n{GOOD.replace('D-1,', 'D-3,')},z".encode())
    table = read(example_plan, path)
    assert [d.deal_id for d in table.deals] == ["D-1", "D-3"]
    assert table.deals[0].account_name == "Acme Inc"
    assert [p.location for p in table.problems if p.is_error] == ["deals.csv:3"]


# Quotes, commas, every line break, and each character str.splitlines also breaks at.
_CSV_TEXT = st.text(st.sampled_from(["a", ",", '"', "\n", "\r", "é", *_OTHER_BREAKS]))


@given(_CSV_TEXT)
def test_a_csv_is_split_into_the_rows_of_a_file_opened_with_newline_empty(text: str) -> None:
    # What the csv module documents for a file: opened with newline="", so that only \n, \r and
    # \r\n end a row and quoted line breaks stay in their cells; however the reader splits the text.
    import csv
    import io

    def rows(lines: Iterable[str]) -> object:
        try:
            return list(csv.reader(lines, csv.excel))
        except csv.Error:
            return csv.Error

    assert rows(_lines(text)) == rows(io.StringIO(text, newline=""))


def test_a_cell_past_the_csv_limit_is_refused_in_one_sentence(example_plan: Plan, tmp_path: Path) -> None:
    # An unclosed quote swallows the rest of the file into one cell.
    path = write(tmp_path, HEADER, GOOD.replace("Acme Inc", '"Acme Inc'), *[GOOD] * 3000)
    with pytest.raises(UnreadableFileError) as caught:
        read(example_plan, path)
    message = str(caught.value)
    assert message.startswith(f"{path}:2: a cell holds more than 131,072 characters")
    assert "quote" in message and "field limit" not in message


def test_survey_responses(example_plan: Plan, tmp_path: Path) -> None:
    table = read_survey(example_survey_path(), partner_names(example_plan))
    assert table.problems == [] and len(table.responses) == 10
    path = write(
        tmp_path,
        "Partner,Date,NPS,Comment",
        "Keystone IT Partners,2026-05-20,9,fine",
        ",2026-05-21,11,",
        "Keystne IT Partners,2026-05-22,7,",
        "Orbit CRM,yesterday,7,",
        name="survey.csv",
    )
    table = read_survey(path, partner_names(example_plan))
    assert [r.score for r in table.responses] == [9]
    messages = [f"{p.location}: {p.message} ({p.hint})" for p in table.problems]
    assert messages[0].startswith("survey.csv:3: 'NPS' '11': 11 is outside 0-10")
    assert (
        "survey.csv:4: 'Partner' 'Keystne IT Partners': not a partner of the plan (did you mean"
        in messages[1]
    )
    assert messages[2].startswith("survey.csv:5: 'Date' 'yesterday'")


@pytest.mark.parametrize(
    "spelling",
    ["Orbit\u00a0CRM", "orbit  crm", "Or\u200bbit CRM", "\uff2frbit CRM"],
    ids=["no-break space", "case and spaces", "zero-width space", "full-width letter"],
)
def test_partner_names_fold_alike_in_every_reader(example_plan: Plan, tmp_path: Path, spelling: str) -> None:
    """The deals, survey and payout-summary readers find a partner with ``fold_name``, as the facts reader does."""
    from partnerkit.io.pipeline.payouts import read_carried_over
    from partnerkit.model.values import fold_name

    assert fold_name(spelling) == fold_name("Orbit CRM")
    names = partner_names(example_plan)
    deals = read(
        example_plan,
        write(tmp_path, HEADER, GOOD.replace("Brightline Advisory", spelling)),
    )
    assert deals.problems == [] and [d.partner for d in deals.deals] == ["Orbit CRM"]
    survey = read_survey(
        write(tmp_path, "Partner,Date,NPS", f"{spelling},2026-05-20,9", name="survey.csv"), names
    )
    assert survey.problems == [] and [r.partner for r in survey.responses] == ["Orbit CRM"]
    summary = write(tmp_path, "partner,carried_out", f"{spelling},12.50", "Total,12.50", name="summary.csv")
    balances, problems = read_carried_over(summary, names)
    assert problems == [] and balances == {"Orbit CRM": Decimal("12.50")}


def _deals_workbook(path: Path, rows: int) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Deals")
    for c, head in enumerate(HEADER.split(",")):
        sheet.write(0, c, head)
    for r in range(1, rows + 1):
        for c, value in enumerate(GOOD.replace("D-1,", f"D-{r},").split(",")):
            sheet.write(r, c, value)
        sheet.write_number(r, 9, 1000 * r)
    book.close()
    return path


def test_a_formula_without_its_value_or_an_error_cell_is_a_problem_not_a_blank(
    example_plan: Plan, tmp_path: Path
) -> None:
    """An export whose Amount is a formula saved without its value (a script wrote it), or whose
    Stage shows #N/A, is not read as if the cell were empty: each is a problem at its cell, and the
    row is left out; the other rows still count."""
    from partnerkit.io.ooxml.scan import NO_COMPUTED_VALUE, NO_COMPUTED_VALUE_HINT
    from tests.hostile.builders import drop_cached_value, show_error

    path = _deals_workbook(tmp_path / "deals.xlsx", 3)
    drop_cached_value(path, "Deals", "J2", "SUM(X1:X9)")
    show_error(path, "Deals", "H3")
    table = read(example_plan, path)
    assert [d.deal_id for d in table.deals] == ["D-3"]
    problems = {p.location: p for p in table.problems}
    assert set(problems) == {"deals.xlsx: Deals!J2", "deals.xlsx: Deals!H3"}
    amount = problems["deals.xlsx: Deals!J2"]
    assert amount.is_error and amount.message == f"'Amount': {NO_COMPUTED_VALUE}"
    assert amount.hint == NO_COMPUTED_VALUE_HINT
    stage = problems["deals.xlsx: Deals!H3"]
    assert stage.is_error and stage.message == "'Stage': the cell shows the error #N/A, not a value"


def test_a_survey_score_showing_an_error_is_a_problem_at_its_cell(example_plan: Plan, tmp_path: Path) -> None:
    import xlsxwriter

    from tests.hostile.builders import show_error

    path = tmp_path / "survey.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Survey")
    for c, head in enumerate(["Partner", "Responded On", "Score"]):
        sheet.write(0, c, head)
    for r in (1, 2):
        sheet.write(r, 0, "Brightline Advisory")
        sheet.write(r, 1, "2026-07-01")
        sheet.write_number(r, 2, 9)
    book.close()
    show_error(path, "Survey", "C3", "#DIV/0!")
    table = read_survey(path, partner_names(example_plan))
    assert len(table.responses) == 1
    (problem,) = table.problems
    assert problem.location == "survey.xlsx: Survey!C3"
    assert problem.message == "'Score': the cell shows the error #DIV/0!, not a value"


# --- the column-by-column read against a plain per-row reference ----------------------------------

_PARTNERS = {"brightline advisory": "Brightline Advisory", "orbit crm": "Orbit CRM"}
_DATES = ["2026-07-01", "2026-07-05", " 2026-08-01", "07/01/2026", "2026-7-1", "soon", 1.0, True]
_CELLS: dict[str, list[object]] = {
    "Deal ID": ["D-1", "D-2", " D-1", "D-3\t", 7.0, 7, "x" * 401, "  "],
    "Account Name": ["Acme Inc", "Acme  Inc", "Beta\nCo", "  ", 12.5],
    "Account Domain": ["acme.example", " www.acme.example ", "  ", 3.0],
    "Partner": ["Brightline Advisory", "orbit  crm", "Orbit\u00a0CRM", "Brightline Advisry", "Nobody", 1.0],
    "Touch": ["sourced", "Partner-Sourced", "referral", "influenced", "sorced", True, 1, 1.0],
    "Stage": ["Closed Won", "won", "Negotiation", "Closed Lost", "Closed Wno", "open", "  "],
    "Amount": [
        "1000",
        "1200.15",
        "1000.005",
        "$48K",
        "48,000",
        "-5",
        "1e3",
        " 12 ",
        "١٢",
        1200.15,
        5,
        True,
        -0.0,
        0.0,
    ],
    "Currency": ["USD", "eur", "US", 1.0],
    "Registered On": _DATES,
    "Approved On": _DATES,
    "Close Date": _DATES,
    "Credit Override": ["sourced", "none", "no credit", "bogus"],
    "Override Reason": ["agreed with both", "  "],
    "Refunded On": _DATES,
    "Notes": ["called twice"],
}


def _reference_read(rows: list[list[object]], currency: str) -> tuple[list[object], list[tuple[object, ...]]]:
    """The deals table read the plain way: row by row, cell by cell, with the module's cell rules."""
    from partnerkit.io.facts import UnseenCell
    from partnerkit.io.pipeline.deals import _FIELDS, _HEADINGS, REQUIRED, DealsTable, _Reader
    from partnerkit.pipeline import Deal, deal_row_problems

    table = DealsTable("Deals", origin=(0, 0))
    reader = _Reader(table, _PARTNERS, currency)
    cols = reader.columns("Deals", rows[0])
    found = [(p.message, p.location, p.hint, p.severity) for p in table.problems]
    if cols is None:
        return [], found
    deals: list[object] = []
    seen: dict[tuple[str, str], str] = {}
    width = max(cols.values()) + 1

    def say(r: int, c: int, message: str, hint: str | None = None, *, warning: bool = False) -> None:
        found.append((message, table.at("Deals", r, c), hint, "warning" if warning else "error"))

    for r, line in enumerate(rows[1:], start=1):
        line = line + [None] * (width - len(line))
        if all(cell in (None, "") for cell in line):
            continue
        values: dict[str, object] = {}
        bad = False
        for name, c in cols.items():
            cell = line[c]
            if cell is None or cell == "":
                values[name] = None
            elif isinstance(cell, UnseenCell):
                say(r, c, f"{rows[0][c]!r}: {cell.message}", cell.hint)
                bad = True
            else:
                try:
                    values[name] = reader._parser(name)(cell)
                except ValueError as exc:
                    say(
                        r,
                        c,
                        f"{rows[0][c]!r} {cell!r}: {exc.args[0]}",
                        exc.args[1] if len(exc.args) > 1 else None,
                    )
                    bad = True
        for name in REQUIRED:
            if name in values and values[name] is None:
                say(r, cols[name], f"{rows[0][cols[name]]!r}: the {_HEADINGS[name].lower()} is empty")
                bad = True
        if bad:
            continue
        deal = Deal(
            **{n: values.get(n) for n in _FIELDS if n != "currency"},
            currency=values.get("currency") or currency,
        )  # type: ignore[arg-type]
        broken = deal_row_problems(deal)
        for name, message in broken:
            say(r, cols.get(name, cols["deal_id"]), f"deal {deal.deal_id}: {message}")
        if broken:
            continue
        key = (deal.deal_id, deal.partner)
        if key in seen:
            say(
                r,
                cols["partner"],
                f"deal {deal.deal_id} lists {deal.partner} twice (first at {seen[key]})",
                warning=True,
            )
        else:
            seen[key] = table.at("Deals", r, cols["partner"])
        deals.append(deal)
    return deals, found


@st.composite
def _deal_tables(draw: st.DrawFn) -> list[list[object]]:
    from partnerkit.io.facts import UnseenCell

    optional = draw(st.sets(st.sampled_from([h for h in _CELLS if h not in HEADER.split(",")[:1]])))
    header = draw(
        st.permutations(
            sorted({*["Deal ID", "Account Name", "Partner", "Touch", "Stage", "Amount"], *optional})
        )
    )
    good = GOOD.split(",")
    typical = dict(zip(HEADER.split(","), good, strict=True))
    unseen = UnseenCell("the cell shows the error #N/A, not a value", "put a value in it")
    rows: list[list[object]] = [list(header)]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["good", "good", "mixed", "blank", "short", "numbers"]))
        if kind == "blank":
            rows.append([""] * len(header))
            continue
        if kind == "numbers":  # equal cells of other types (1, 1.0, True; 0.0, -0.0) read differently
            rows.append([draw(st.sampled_from([1, 1.0, True, 0.0, -0.0, 0])) for _ in header])
            continue
        line: list[object] = [typical.get(h, "") for h in header]
        if kind != "good":
            for c, h in enumerate(header):
                if draw(st.integers(0, 3)) == 0:
                    line[c] = draw(st.sampled_from([*_CELLS[h], "", None, unseen]))
        if kind == "short":
            line = line[: draw(st.integers(0, len(line)))]
        rows.append(line)
    return rows


@given(_deal_tables())
def test_the_read_is_the_plain_row_by_row_read(rows: list[list[object]]) -> None:
    """Column by column, with each spelling converted once and short paths for common cells, the read
    gives the deals and the problems (wording, hint, place, order) of reading each row cell by cell."""
    from partnerkit.io.pipeline.deals import read_deal_rows

    table = read_deal_rows(rows, _PARTNERS, "USD", sheet="Deals")  # type: ignore[arg-type]
    deals, found = _reference_read(rows, "USD")
    if not deals and not found:
        found = [
            (
                "the deals table has no deal rows",
                "Deals!A2",
                "paste the CRM export's rows under the table's header",
                "error",
            )
        ]
    assert table.deals == deals
    assert [(p.message, p.location, p.hint, p.severity) for p in table.problems] == found
    assert [table.where(i, "partner") for i in range(len(deals))] == [
        table.at("Deals", table.row_number[i], table.columns[0]["partner"]) for i in range(len(deals))
    ]


def test_a_partner_listed_twice_across_sheets_is_placed_at_the_first_sheet(
    example_plan: Plan, tmp_path: Path
) -> None:
    import xlsxwriter

    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, left in (("East", 0), ("West", 2)):  # the West table starts in column C
        sheet = book.add_worksheet(name)
        for c, head in enumerate(HEADER.split(",")):
            sheet.write(0, left + c, head)
        for c, value in enumerate(GOOD.split(",")):
            sheet.write(1, left + c, value)
    book.close()
    table = read(example_plan, path)
    assert [(p.location, p.message, p.is_error) for p in table.problems] == [
        (
            "deals.xlsx: West!F2",
            "deal D-1 lists Brightline Advisory twice (first at deals.xlsx: East!D2)",
            False,
        )
    ]
    assert [table.where(i, "partner") for i in range(2)] == ["deals.xlsx: East!D2", "deals.xlsx: West!F2"]
