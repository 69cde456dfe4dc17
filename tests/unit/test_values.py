"""Value types: one canonical form each for percentages, money and dates, and clear refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from partnerkit.io.planfile import load_example_plan
from partnerkit.model import Money, Status, format_money, format_percent
from partnerkit.model.values import IsoDate, Percent, StatusField, did_you_mean, parse_percent

percent = TypeAdapter(Percent)
money = TypeAdapter(Money)
iso_date = TypeAdapter(IsoDate)
status = TypeAdapter(StatusField)


def message(adapter: TypeAdapter, value: object, **kw: object) -> str:
    with pytest.raises(ValidationError) as info:
        adapter.validate_python(value, **kw)
    return info.value.errors()[0]["msg"]


class TestPercent:
    def test_percent_sign_is_the_canonical_form(self) -> None:
        assert percent.validate_python("25%") == Decimal("0.25")
        assert percent.validate_python(" 12.5 % ") == Decimal("0.125")
        assert percent.dump_python(Decimal("0.125")) == "12.5%"

    @pytest.mark.parametrize("ambiguous", [0.2, 20, 1])
    def test_bare_numbers_are_ambiguous(self, ambiguous: float) -> None:
        assert "ambiguous" in message(percent, ambiguous)

    def test_the_message_suggests_the_written_form(self) -> None:
        assert "'20%'" in message(percent, 0.2)
        assert "'20%'" in message(percent, 20)

    def test_out_of_range(self) -> None:
        assert message(percent, "140%") == "Value error, 140% is above 100%"
        assert "below 0%" in message(percent, "-5%")

    def test_a_python_caller_may_pass_a_decimal_fraction(self) -> None:
        assert percent.validate_python(Decimal("0.3")) == Decimal("0.3")

    @given(st.decimals(min_value=0, max_value=1, places=4))
    def test_round_trip(self, value: Decimal) -> None:
        assert percent.validate_python(percent.dump_python(value)) == value

    def test_parse_rejects_text(self) -> None:
        with pytest.raises(ValueError, match="not a percentage"):
            parse_percent("twenty")


class TestPercentNotFinite:
    @pytest.mark.parametrize("value", [float("inf"), float("nan")])
    def test_infinity_and_nan_are_not_percentages(self, value: float) -> None:
        assert message(percent, value).endswith(f"{value!r} is not a percentage; write it like '20%'")


class TestMoney:
    def test_plain_number_takes_the_plan_currency(self) -> None:
        assert money.validate_python(50000) == Money(amount=Decimal(50000), currency="USD")
        assert money.validate_python(50000, context={"currency": "EUR"}).currency == "EUR"

    def test_amount_with_code(self) -> None:
        assert money.validate_python("1250.50 EUR") == Money(amount=Decimal("1250.50"), currency="EUR")
        assert money.validate_python("GBP 10") == Money(amount=Decimal(10), currency="GBP")

    @pytest.mark.parametrize(
        ("text", "meant"), [("$50K", "50000"), ("50,000", "50000"), ("€1.5M", "1500000")]
    )
    def test_shorthand_is_refused_with_the_amount_it_meant(self, text: str, meant: str) -> None:
        assert f"write {meant}" in message(money, text)

    @pytest.mark.parametrize("text", ["50.000", "250.000 EUR", "1.500"])
    def test_a_dot_for_thousands_is_ambiguous_not_a_small_amount(self, text: str) -> None:
        # Read as a decimal, '50.000' would silently be $50 where a European means fifty thousand.
        digits = text.split()[0]
        whole, frac = digits.split(".")
        assert f"is ambiguous: write {whole}{frac} if the dot separates thousands" in message(money, text)

    @pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), Decimal("Infinity")])
    def test_infinity_and_nan_are_not_money(self, value: object) -> None:
        # YAML's .inf and .nan: one message at the field, not pydantic's words about '.amount'.
        with pytest.raises(ValidationError) as info:
            money.validate_python(value)
        (error,) = info.value.errors()
        assert error["loc"] == ()
        assert "is not an amount of money; write a plain number such as 50000" in error["msg"]

    def test_cents_are_still_amounts(self) -> None:
        assert money.validate_python("50.5").amount == Decimal("50.5")
        assert money.validate_python("1250.50").amount == Decimal("1250.50")
        assert money.validate_python("1250.5000").amount == Decimal("1250.5000")

    def test_negative_and_nonsense(self) -> None:
        assert "negative" in message(money, -1)
        assert "not an amount" in message(money, "lots")
        assert "not an ISO currency code" in message(money, {"amount": 1, "currency": "dollars"})

    def test_display(self) -> None:
        assert format_money(Money(amount=Decimal(250000))) == "$250,000"
        assert format_money(Money(amount=Decimal(250000)), compact=True) == "$250K"
        assert format_money(Money(amount=Decimal("12.5"), currency="CHF")) == "12.50 CHF"

    @given(st.decimals(min_value=0, max_value=10**9, places=2), st.sampled_from(["USD", "EUR", "JPY"]))
    def test_round_trip(self, amount: Decimal, currency: str) -> None:
        value = Money(amount=amount, currency=currency)
        assert money.validate_python(money.dump_python(value)) == value


class TestDates:
    def test_iso(self) -> None:
        assert iso_date.validate_python("2026-01-15") == date(2026, 1, 15)

    def test_unambiguous_other_form_names_the_iso_date(self) -> None:
        assert "write 2026-01-15" in message(iso_date, "15/01/2026")
        assert "write 2026-03-01" in message(iso_date, "March 1, 2026")

    def test_ambiguous_form_lists_both_readings(self) -> None:
        text = message(iso_date, "01/02/2026")
        assert "2026-01-02" in text and "2026-02-01" in text

    def test_impossible_date(self) -> None:
        assert message(iso_date, "2026-02-30").endswith(
            "'2026-02-30' is not a calendar date (day is out of range for month)"
        )


class TestPlanYears:
    @pytest.mark.parametrize("typed", ["0001-01-01", "9999-06-07", "1899-12-31", "2200-01-01"])
    def test_dates_off_any_program_calendar_are_refused(self, typed: str) -> None:
        # Weeks and windows are counted from these dates; 9999 used to end in an OverflowError.
        assert message(iso_date, typed).endswith(f"{typed} is outside the years 1900-2199; is it a typo?")

    def test_the_edges_are_dates(self) -> None:
        assert iso_date.validate_python("1900-01-01") == date(1900, 1, 1)
        assert iso_date.validate_python(date(2199, 12, 31)) == date(2199, 12, 31)


class TestChoices:
    def test_case_does_not_matter(self) -> None:
        assert status.validate_python("negotiating") is Status.NEGOTIATING

    def test_typo_gets_did_you_mean(self) -> None:
        assert "did you mean 'Negotiating'" in message(status, "Negotating")

    def test_did_you_mean_gives_up_on_nonsense(self) -> None:
        assert did_you_mean("zzzz", ["Identified", "Signed"]) is None

    def test_percent_display(self) -> None:
        assert format_percent(Decimal("0.3")) == "30%"


def test_a_partner_is_found_by_its_name_as_written_then_as_names_compare() -> None:
    plan = load_example_plan()
    everyone = [p for _, p in plan.partners()]
    last = everyone[-1]
    assert plan.partner(last.name) is last
    assert plan.partner("  " + last.name.upper().replace(" ", "\u00a0") + " ") is last  # fold_name's rule
    with pytest.raises(KeyError):
        plan.partner("Nobody In Particular")
