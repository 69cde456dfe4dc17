"""Export then import gives back an equal plan: for the example, and over generated plans (hypothesis)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerkit.io.workbook.build import build_workbook
from partnerkit.io.workbook.read import load_plan_from_workbook
from partnerkit.model import Money, Plan, Priority, Status


def test_example_plan_survives_the_macro_workbook(built_xlsm: Path, example_plan: Plan) -> None:
    plan, problems = load_plan_from_workbook(built_xlsm)
    assert [p for p in problems if p.is_error] == []
    assert plan == example_plan


def test_example_plan_survives_export(exported_xlsx: Path, example_plan: Plan) -> None:
    plan, _ = load_plan_from_workbook(exported_xlsx)
    assert plan == example_plan


# Text a partner manager might type: formulas, markup, quotes, accents, emoji, right-to-left marks.
odd_text = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\u00a0\u2028\u2029",
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")
risky_text = st.one_of(
    odd_text,
    st.sampled_from(
        ['=HYPERLINK("http://x")', "+1", "-5", "@SUM(A1)", "Acme <Holdings> & Sons", "1-2", "2024"]
    ),
)
percent = st.decimals(min_value=0, max_value=100, places=1).map(lambda d: d / 100)
money = st.decimals(min_value=0, max_value=10**9, places=2).map(lambda d: Money(amount=d, currency="USD"))


@st.composite
def plans(draw: st.DrawFn, base: Plan) -> Plan:
    """The example plan with partners renamed to odd text and random statuses, margins and costs."""
    data = base.model_copy(deep=True)
    names: set[str] = set()
    for _, partner in data.partners():
        name = draw(risky_text).strip()
        while name.casefold() in names:
            name = f"{name}!"
        names.add(name.casefold())
        partner.name = name
        partner.status = draw(st.sampled_from(list(Status)))
        partner.priority = draw(st.sampled_from(list(Priority)))
        partner.sources = []
    for partner in data.categories.distribution.partners:
        partner.margin = draw(percent)
        partner.customer_base = draw(risky_text).strip()
    for partner in data.categories.ecosystem.partners:
        partner.annual_cost = draw(st.none() | money)
    for tier in data.tiers:
        tier.benefits.revenue_share = draw(st.none() | percent)
    data.deal_frameworks.reseller.pricing.partner_discount = draw(percent)
    data.executive_summary = draw(risky_text).strip()
    data.metrics[0].q1 = draw(st.none() | st.decimals(min_value=0, max_value=10**6, places=0))
    return Plan.model_validate(data.model_dump(mode="json"), context={"currency": "USD"})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_export_then_import_gives_an_equal_plan(example_plan: Plan, data: st.DataObject) -> None:
    plan = data.draw(plans(example_plan))
    with tempfile.TemporaryDirectory() as folder:
        path = build_workbook(plan, Path(folder) / "plan.xlsx", macros=False)
        back, problems = load_plan_from_workbook(path)
    assert [p for p in problems if p.is_error] == []
    assert back == plan


def test_fractions_keep_their_digits() -> None:
    from partnerkit.io.workbook.cells import from_cell, to_cell
    from partnerkit.io.workbook.layout import Kind

    for text in ("12.5%", "0.1%", "33.3%", "100%", "0%"):
        cell = to_cell(Kind.PERCENT, text)
        assert from_cell(Kind.PERCENT, cell, percent_format=True) == text
    assert Decimal("0.125") * 100 == Decimal("12.500")


def test_edits_made_in_the_workbook_come_back_in_the_plan(
    exported_xlsx: Path, example_plan: Plan, tmp_path: Path
) -> None:
    """Export, edit the form and the tables as a person would, import: the plan has exactly those edits."""
    import openpyxl
    from click.testing import CliRunner

    from partnerkit.cli import cli
    from partnerkit.io.planfile import load_plan

    book = openpyxl.load_workbook(exported_xlsx)
    overview = book["Overview"]
    for row in overview.iter_rows():
        for cell in row:
            if cell.value == "User overlap with our ICPs":
                overview.cell(cell.row, cell.column + 1).value = "Half of our ICP accounts run it"
            if cell.value == "Strategic goal 2":  # the dotted path older workbooks wrote still reads
                cell.value = "philosophy.strategic_goals[2]"
                overview.cell(cell.row, cell.column + 1).value = "Reach finance teams through their advisors"
    partners = book["Partners"]
    margin = next(c for c in partners[3] if c.value == "Margin").column
    partners.cell(13, margin).value = 0.35  # Brightline Advisory, the first distribution partner
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    result = CliRunner().invoke(cli, ["workbook", "import", str(edited), "-o", str(tmp_path / "back.yaml")])
    assert result.exit_code == 0, result.output

    expected = example_plan.model_copy(deep=True)
    expected.categories.integration.target_criteria.user_overlap = "Half of our ICP accounts run it"
    expected.philosophy.strategic_goals[1] = "Reach finance teams through their advisors"
    expected.categories.distribution.partners[0].margin = Decimal("0.35")
    assert load_plan(tmp_path / "back.yaml") == Plan.model_validate(
        expected.model_dump(mode="json"), context={"currency": "USD"}
    )
