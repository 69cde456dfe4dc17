"""Excel's number formats for each kind of cell, one table for the build, the buttons and sync alike."""

from __future__ import annotations

from partnerkit.io.workbook.layout import Kind

NUMBER_FORMATS = {
    Kind.PERCENT: "0.0%",
    Kind.MONEY: "#,##0",
    Kind.DATE: "yyyy-mm-dd",
    Kind.DATETIME: "yyyy-mm-dd hh:mm",
    Kind.INT: "#,##0",
    Kind.TEXT: "@",
    Kind.CHOICE: "@",
    Kind.IDS: "@",
    Kind.INTS: "@",
    Kind.WEEKS: "@",
}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money_format(currency: str) -> str:
    """The number format of an amount in ``currency``: ``"$"#,##0`` for USD, ``#,##0 "CHF"`` otherwise."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f'"{symbol}"#,##0' if symbol else f'#,##0 "{currency}"'


def number_format(kind: Kind, currency: str = "USD") -> str | None:
    """The number format of a cell of ``kind`` (None: Excel's General)."""
    return money_format(currency) if kind is Kind.MONEY else NUMBER_FORMATS.get(kind)
