"""Value types of the plan: percentages, money, enumerations, source ids, each with one canonical form.

Canonical forms (documented in docs/plan-reference.md):

* A percentage is written with a percent sign, ``"25%"``, and held as a ``Decimal`` fraction
  (``Decimal("0.25")``). A bare number is rejected because 0.2 and 20 both look like "twenty per cent"
  to somebody; a Python caller may pass a ``Decimal`` fraction directly.
* Money is a plain number (``50000`` or ``12500.50``) in the plan's currency, or a number and an ISO
  currency code (``"50000 EUR"``). Shorthand such as ``"$50K"`` or ``"50,000"`` is rejected with the
  plain number it probably meant, because thousands separators differ between locales.
* Dates are ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_serializer,
    model_validator,
)


class PlanModel(BaseModel):
    """Base of every plan section: unknown keys are errors, text is trimmed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=True,
        use_enum_values=False,
        populate_by_name=True,
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to ``word``, compared without case, or None when nothing is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


E = TypeVar("E", bound=Enum)


def _enum_validator(enum_cls: type[E], what: str) -> BeforeValidator:
    by_lower = {str(m.value).lower(): m for m in enum_cls}
    exact = {str(m.value): m for m in enum_cls}  # the value as written, the common case: one lookup
    article = "an" if what[:1].lower() in "aeiou" else "a"

    def check(value: Any) -> Any:
        if type(value) is str:  # the value as typed in a file or a cell: one lookup
            hit = exact.get(value)
            if hit is not None:
                return hit
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str):
            hit = exact.get(value)
            if hit is None:
                hit = by_lower.get(value.strip().lower())
            if hit is not None:
                return hit
            allowed = ", ".join(repr(m.value) for m in enum_cls)
            guess = did_you_mean(value.strip(), [str(m.value) for m in enum_cls])
            suffix = f"; did you mean {guess!r}?" if guess else ""
            raise ValueError(f"{value!r} is not {article} {what}{suffix} (one of {allowed})")
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise ValueError(f"expected {article} {what} (one of {allowed}), got {value!r}")

    return BeforeValidator(check)


def choice(enum_cls: type[E], what: str) -> Any:
    """An enum field that matches its values without case and suggests the closest on a typo."""
    return Annotated[enum_cls, _enum_validator(enum_cls, what), PlainSerializer(lambda m: m.value)]


class Priority(StrEnum):
    """How soon a partner or activity matters: P0 now, P1 next, P2 later."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class Status(StrEnum):
    """Where a partnership stands, in the order it usually moves."""

    IDENTIFIED = "Identified"
    CONTACTED = "Contacted"
    NEGOTIATING = "Negotiating"
    SIGNED = "Signed"
    ACTIVE = "Active"
    CHURNED = "Churned"


class Confidence(StrEnum):
    """How sure the team is of an assumption."""

    HIGH = "High"
    MEDIUM = "Medium"
    LOW = "Low"


PriorityField = choice(Priority, "priority")
StatusField = choice(Status, "status")
ConfidenceField = choice(Confidence, "confidence")

# --- percentages -------------------------------------------------------------------------------

_PERCENT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$")


def parse_percent(value: Any) -> Decimal:
    """Turn ``"25%"`` into ``Decimal("0.25")``; refuse bare numbers, which are ambiguous."""
    if type(value) is str:  # the common case first
        parsed = _percent_text(value)
        if parsed is not None:
            return parsed
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a percentage such as '20%', got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a percentage; write it like '20%'")
    if isinstance(value, int | float):
        shown = f"{value * 100:g}%" if 0 < abs(value) <= 1 else f"{value:g}%"
        raise ValueError(
            f"{value!r} is ambiguous as a percentage: write it with a percent sign, e.g. '{shown}'"
        )
    if isinstance(value, str):
        parsed = _percent_text(value)
        if parsed is not None:
            return parsed
        raise ValueError(f"{value!r} is not a percentage; write it like '20%'")
    raise ValueError(f"expected a percentage such as '20%', got {value!r}")


@functools.lru_cache(maxsize=4096)
def _percent_text(text: str) -> Decimal | None:
    # A large plan repeats a few margins and discounts many times; a Decimal is immutable.
    match = _PERCENT.match(text)
    return Decimal(match.group(1)) / 100 if match else None


def format_percent(value: Decimal) -> str:
    """``Decimal("0.25")`` -> ``"25%"``, ``Decimal("0.125")`` -> ``"12.5%"``."""
    shown = (value * 100).normalize()
    text = format(shown, "f")
    return f"{text}%"


def _in_unit_range(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"{format_percent(value)} is below 0%")
    if value > 1:
        raise ValueError(f"{format_percent(value)} is above 100%")
    return value


Percent = Annotated[
    Decimal,
    BeforeValidator(parse_percent),
    AfterValidator(_in_unit_range),
    PlainSerializer(format_percent, return_type=str),
]
"""A percentage between 0% and 100%, written ``"25%"``, held as a Decimal fraction."""

# --- money ---------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_MONEY = re.compile(r"^\s*(?:([A-Za-z]{3})\s+)?([+-]?\d+(?:\.\d+)?)\s*(?:([A-Za-z]{3}))?\s*$")
_SHORTHAND = re.compile(r"^\s*[$€£]?\s*([\d.,]+)\s*([kKmM]?)\s*([A-Za-z]{3})?\s*$")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}


# '50.000' is fifty thousand where the dot separates thousands; no amount of money has three decimals.
THOUSANDS_DOT = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def thousands_dot_message(value: str, digits: str, *, whole_number: bool = False) -> str:
    """What to say about '50.000': which two amounts it could mean."""
    whole, _, frac = digits.partition(".")
    other = whole if whole_number else f"{whole}.{frac[:2]} for {whole}"
    return (
        f"{value!r} is ambiguous: write {whole}{frac} if the dot separates thousands, "
        f"or {other} (no thousands separators)"
    )


def _suggest_amount(text: str) -> str | None:
    """The plain amount a person probably meant by ``$50K`` or ``50,000``, if one is clear."""
    match = _SHORTHAND.match(text)
    if not match:
        return None
    digits, scale, _ = match.groups()
    if "," in digits and "." in digits:
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
        digits = digits.replace(",", "")
    elif "," in digits:
        return None
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        return None
    amount *= {"": 1, "k": 1000, "m": 1_000_000}[scale.lower()]
    return format(amount.normalize(), "f")


class Money(BaseModel):
    """An amount of money in one currency: ``Money(amount=Decimal("50000"), currency="USD")``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Decimal
    currency: str = "USD"

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any, info: ValidationInfo) -> Any:
        default = (info.context or {}).get("currency", "USD") if info else "USD"
        if isinstance(value, bool):
            raise ValueError(f"expected an amount of money, got {value!r}")
        if isinstance(value, float | Decimal) and not Decimal(value).is_finite():
            raise ValueError(f"{value} is not an amount of money; write a plain number such as 50000")
        if isinstance(value, int | Decimal):
            return {"amount": Decimal(value), "currency": default}
        if isinstance(value, float):
            return {"amount": Decimal(str(value)), "currency": default}
        if isinstance(value, str):
            match = _MONEY.match(value)
            if match and THOUSANDS_DOT.search(match.group(2)):
                raise ValueError(thousands_dot_message(value, match.group(2)))
            if match and not (match.group(1) and match.group(3)):
                code = (match.group(1) or match.group(3) or default).upper()
                return {"amount": Decimal(match.group(2)), "currency": code}
            guess = _suggest_amount(value)
            if guess is not None:
                raise ValueError(
                    f"{value!r} is not a plain amount; write {guess} (no symbols, "
                    f"thousands separators or K/M; the plan's currency applies)"
                )
            raise ValueError(f"{value!r} is not an amount of money; write a plain number such as 50000")
        return value

    @model_validator(mode="after")
    def _check(self) -> Money:
        if not _CURRENCY.match(self.currency):
            raise ValueError(f"{self.currency!r} is not an ISO currency code such as 'USD' or 'EUR'")
        if self.amount < 0:
            raise ValueError(f"an amount of money cannot be negative ({self.amount})")
        if self.amount >= Decimal("1e12"):
            raise ValueError(f"{self.amount} is more money than any partner program handles")
        return self

    @model_serializer
    def _dump(self) -> str:
        return f"{format(self.amount.normalize(), 'f')} {self.currency}"

    def __str__(self) -> str:
        return format_money(self)


_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(money: Money, *, compact: bool = False) -> str:
    """``$50,000`` (``$50K`` when compact); amounts in other currencies as ``50,000 CHF``."""
    amount = money.amount
    if compact and amount >= 1000 and amount % 1000 == 0:
        text = f"{amount / 1000:,.0f}K"
    elif amount == amount.to_integral_value():
        text = f"{amount:,.0f}"
    else:
        text = f"{amount:,.2f}"
    sign = _SIGNS.get(money.currency)
    return f"{sign}{text}" if sign else f"{text} {money.currency}"


# --- dates ---------------------------------------------------------------------------------------

_OTHER_DATES = (
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d-%m-%Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%b %d, %Y",
)


FIRST_PLAN_YEAR, LAST_PLAN_YEAR = 1900, 2199


def in_plan_years(day: date) -> date:
    """The date, if a partner program could use it; dates like 0001-01-01 or 9999-12-31 are typos.

    Weeks, windows and grace periods are counted from these dates, which must not fall off the
    calendar.
    """
    if not FIRST_PLAN_YEAR <= day.year <= LAST_PLAN_YEAR:
        raise ValueError(
            f"{day.isoformat()} is outside the years {FIRST_PLAN_YEAR}-{LAST_PLAN_YEAR}; is it a typo?"
        )
    return day


def parse_date(value: Any) -> Any:
    """Accept ISO dates only; for other forms say which ISO date was probably meant."""
    if type(value) is str and len(value) == 10:  # "2026-03-01", the common case, without detours
        try:  # a try, not contextlib.suppress: this runs for every date of 100,000 partners
            return in_plan_years(date.fromisoformat(value))
        except ValueError:
            pass  # the general path below says what is wrong
    if isinstance(value, datetime):
        return in_plan_years(value.date())
    if isinstance(value, date):
        return in_plan_years(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return in_plan_years(day)
        readings = set()
        for fmt in _OTHER_DATES:
            try:
                readings.add(datetime.strptime(text, fmt).date())
            except ValueError:
                continue
        if len(readings) == 1:
            (only,) = readings
            raise ValueError(f"{value!r} is not an ISO date; write {only.isoformat()}")
        if readings:
            shown = " or ".join(sorted(d.isoformat() for d in readings))
            raise ValueError(f"{value!r} is ambiguous; write the ISO date you mean ({shown})")
        iso_like = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if iso_like:
            try:
                meant = date(*(int(part) for part in iso_like.groups()))
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a calendar date ({exc})") from None
            raise ValueError(f"{value!r} is not an ISO date; write {meant.isoformat()}")
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD")
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


IsoDate = Annotated[date, BeforeValidator(parse_date)]
"""A calendar date written ``YYYY-MM-DD``."""

# --- source citations ----------------------------------------------------------------------------

SourceId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
"""The id of an entry in the plan's Sources table, e.g. ``S1`` or ``channelnomics-2025``."""


def _listify(value: Any) -> Any:
    # `sources: S1` is as natural to type as `sources: [S1]`.
    return [value] if isinstance(value, str) else value


SourceRefs = Annotated[list[SourceId], BeforeValidator(_listify)]

Text = Annotated[str, Field(max_length=4000)]
"""Free text a person wrote; long enough for a paragraph, short enough to catch a pasted file."""

Name = Annotated[str, Field(min_length=1, max_length=200)]
"""A name: a partner, a tier, a metric."""


def fold_name(name: str) -> str:
    """A partner's identity: the name without case, outer or repeated spaces, or Unicode variants.

    ``"Orbit CRM"``, ``"orbit crm "``, ``"Orbit\u00a0CRM"`` and ``"Ｏｒｂｉｔ CRM"`` (full-width) are one
    partner. Every comparison of partner names uses it: matching a facts row or a command's
    ``--partner`` to the plan, and finding the same partner listed twice, so that two names are
    either the same partner everywhere or nowhere. NFKC folds compatibility forms (full-width
    letters, ligatures, the non-breaking space); invisible format characters (zero-width spaces,
    soft hyphens, a byte-order mark) are dropped.
    """
    if name.isascii():
        return " ".join(name.split()).casefold()
    # Format characters go first, so that what they separated composes as if they were never there.
    text = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKC", text)
    # Case folding can produce text that NFKC changes again (e.g. U+0345); normalize once more.
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


# The characters str.split() breaks ASCII text at, besides the space.
_OTHER_ASCII_SPACE = ("\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f")


def fold_names(names: Sequence[str]) -> list[str]:
    """``fold_name`` of each name; a list of ASCII names written with single spaces is folded at once.

    A check over 100,000 partners folds every name: the names joined are looked over and casefolded
    in a few passes in C, in half the time of 100,000 calls.
    """
    text = "\x00".join(names)
    if (
        not names
        or text.count("\x00") != len(names) - 1  # a name holding the separator
        or not text.isascii()
        or "  " in text
        or " \x00" in text
        or "\x00 " in text
        or text.startswith(" ")
        or text.endswith(" ")
        or any(space in text for space in _OTHER_ASCII_SPACE)
    ):
        return list(map(fold_name, names))
    return text.casefold().split("\x00")
