"""Plan values to workbook cells and back, one rule per kind of column (documented in docs/excel.md).

Reading rules, each chosen so that a typo becomes a located problem instead of a silent guess:

* text: taken as typed; a whole number typed in a text cell (``2024``) reads as ``"2024"``.
* percentage: a number is read per the cell's number format: formatted as a percentage, ``0.25`` is
  25%; when the cell is known not to be a percentage (General), the number is ambiguous and rejected.
  Text must carry a percent sign (``"25%"``).
* money: a number is an amount in the plan's currency; text such as ``"$50K"`` or ``"50,000"`` is
  rejected with the plain number it probably meant.
* date: a date cell, an ISO text ``2026-01-05``, or an Excel serial number between 1990 and 2100 in
  a General cell; any other number or text is rejected.
* whole number, yes/no, lists of ids (``S1, S2``) and week ranges (``5-8``) as their headers say.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from partnerkit.io.workbook.layout import NO, YES, Kind
from partnerkit.model.values import format_percent

CellValue = str | float | int | bool | date | datetime | None

# Excel's day zero (the 1900 date system, with its phantom 29 February 1900).
_EPOCH = datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 32874, 73051  # 1990-01-01 .. 2100-01-01


class CellRuleError(ValueError):
    """A cell value that breaks the rule of its column; the message names the rule."""


def number_text(value: float | int | Decimal) -> str:
    """A number as plain text without a trailing ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")


def _decimal(value: float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# --- plan -> cell -----------------------------------------------------------------------------------


def to_cell(kind: Kind, value: Any, currency: str = "USD", unit: str | None = None) -> CellValue:
    """The cell value for a plan value in its JSON form (``"25%"``, ``"50000 USD"``, ``"2026-01-05"``)."""
    if value is None:
        return None
    if kind is Kind.PERCENT or (kind is Kind.METRIC and unit == "percent"):
        return float(Decimal(str(value).rstrip("%")) / 100)
    if kind is Kind.MONEY:
        amount, _, code = str(value).partition(" ")
        if code and code != currency:
            return str(value)
        return _plain_number(Decimal(amount))
    if kind is Kind.METRIC:
        return _plain_number(Decimal(str(value)))
    if kind is Kind.DATE:
        return date.fromisoformat(str(value))
    if kind is Kind.BOOL:
        return YES if value else NO
    if kind in (Kind.IDS, Kind.INTS):
        return ", ".join(str(v) for v in value) if value else None
    if kind is Kind.WEEKS:
        if isinstance(value, dict):
            first, last = value["first"], value["last"]
            return str(first) if first == last else f"{first}-{last}"
        return str(value)
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.VALUE:
        return value if isinstance(value, bool | int) else str(value)
    if kind is Kind.FACT:
        return value if isinstance(value, bool | int | float) else str(value)
    if kind is Kind.RULE:
        return rule_text(value)
    return str(value)


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nones(v) for v in value]
    return value


def rule_text(rule: Any) -> str:
    """A tier rule as one line of YAML flow text: ``{fact: revenue, at_least: 250000, over_last: 12 months}``."""
    import yaml

    text: str = yaml.safe_dump(
        _without_nones(rule), default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**6
    )
    return text.strip()


def _plain_number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


# --- cell -> plan -----------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    """True for an empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def from_cell(kind: Kind, value: Any, *, percent_format: bool | None = None, unit: str | None = None) -> Any:
    """The plan value a cell holds, in the form the plan model reads; CellRuleError names the rule broken.

    ``percent_format`` is True when the cell is formatted as a percentage, False when it is known not
    to be, None when the format is unknown (the column's own format then applies).
    """
    if is_blank(value):
        return None
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip()
    if kind is Kind.PERCENT or (kind is Kind.METRIC and unit == "percent"):
        return _percent(value, percent_format)
    if kind is Kind.METRIC:
        if isinstance(value, bool):
            raise CellRuleError("a target is a number")
        if isinstance(value, int | float):
            return number_text(value)
        return value
    if kind is Kind.MONEY:
        if isinstance(value, bool):
            raise CellRuleError("an amount of money is a plain number such as 50000")
        if isinstance(value, int | float):
            return _plain_number(_decimal(value))
        return value
    if kind is Kind.DATE:
        return _date(value)
    if kind is Kind.BOOL:
        return _yes_no(value)
    if kind is Kind.INT:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise CellRuleError("a whole number")
        return value
    if kind in (Kind.IDS, Kind.INTS):
        text = number_text(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        parts = [p.strip() for p in re.split(r"[,;]", str(text)) if p.strip()]
        if kind is Kind.INTS:
            if not all(re.fullmatch(r"\d+", p) for p in parts):
                raise CellRuleError("whole numbers separated by commas, e.g. '3, 7'")
            return [int(p) for p in parts]
        return parts
    if kind is Kind.WEEKS:
        if isinstance(value, datetime | date):
            raise CellRuleError(
                "a week range such as '5-8' (Excel turned it into a date; format the cell as text)"
            )
        return number_text(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if kind in (Kind.VALUE, Kind.FACT):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, datetime | date):
            return value.isoformat()[:10]
        return value
    if kind is Kind.RULE:
        return _rule(value)
    # text and choices
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, timedelta):
        return str(value)
    return value


def _rule(value: Any) -> Any:
    import yaml

    text = str(value)
    try:
        rule = yaml.safe_load(text)
    except yaml.YAMLError:
        rule = None
    if not isinstance(rule, dict):
        raise CellRuleError("a rule written like {fact: revenue, at_least: 50000, over_last: 12 months}")
    return rule


def _percent(value: Any, percent_format: bool | None) -> Any:
    if isinstance(value, bool):
        raise CellRuleError("a percentage such as 25%")
    if isinstance(value, int | float):
        if percent_format is False:
            shown = number_text(value)
            raise CellRuleError(
                f"a percentage: {shown} in a cell not formatted as a percentage is ambiguous "
                f"(is it {format((_decimal(value) * 100).normalize(), 'f')}% or {shown}%?); type it with a % sign "
                "or format the cell as a percentage"
            )
        return format_percent(_decimal(value))
    return value


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        raise CellRuleError("a date (YYYY-MM-DD)")
    if isinstance(value, int | float):
        if _SERIAL_MIN <= value <= _SERIAL_MAX and float(value).is_integer():
            return (_EPOCH + timedelta(days=int(value))).date().isoformat()
        raise CellRuleError(
            f"a date: {number_text(value)} is not a date between 1990 and 2100 "
            "(type it as YYYY-MM-DD or format the cell as a date)"
        )
    return value


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"yes", "y", "true", "x", "1"}:
        return True
    if text in {"no", "n", "false", "0", "-"}:
        return False
    raise CellRuleError(f"{YES} or {NO}")
