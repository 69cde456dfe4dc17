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
    Kind.NUMBER: "General",
}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money_format(currency: str, *, cents: bool = False) -> str:
    """The number format of an amount in ``currency``: ``"$"#,##0`` for USD, ``#,##0 "CHF"`` otherwise
    (``"$"#,##0.00`` with ``cents``: payouts and deal amounts show every cent)."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    digits = "#,##0.00" if cents else "#,##0"
    return f'"{symbol}"{digits}' if symbol else f'{digits} "{currency}"'


def number_format(kind: Kind, currency: str = "USD") -> str | None:
    """The number format of a cell of ``kind`` (None: Excel's General)."""
    if kind in (Kind.MONEY, Kind.CENTS):
        return money_format(currency, cents=kind is Kind.CENTS)
    return NUMBER_FORMATS.get(kind)
