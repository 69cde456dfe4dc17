"""Builders for the pipeline, payout and actuals tests: deals with defaults, hypothesis strategies."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from partnerkit.pipeline import CreditOverride, Deal, Stage, Touch

_ids = iter(range(10_000_000))


def deal(**changes: Any) -> Deal:
    """A won, registered, sourced deal of Brightline Advisory on Acme, changed by ``changes``."""
    values: dict[str, Any] = {
        "deal_id": f"D-{next(_ids)}",
        "account_name": "Acme Inc",
        "account_domain": "acme.example",
        "partner": "Brightline Advisory",
        "touch": Touch.SOURCED,
        "stage": Stage.WON,
        "amount": Decimal("10000"),
        "currency": "USD",
        "registered_on": date(2026, 7, 1),
        "approved_on": date(2026, 7, 1),
        "close_date": date(2026, 8, 1),
    }
    if "approved_on" in changes and "registered_on" not in changes:
        changes["registered_on"] = changes["approved_on"]
    values.update(changes)
    return Deal(**values)


def day(text: str) -> date:
    """An ISO date."""
    return date.fromisoformat(text)


# Partners of the example plan that register (both agreements) and one that may not (ecosystem).
PARTNERS = [
    "Brightline Advisory",
    "Keystone IT Partners",
    "Ledger & Lane CPAs",
    "Northwind ERP",
    "Bluefin Banking",
    "Crestline Tax",
    "Summit Cloud Group",
    "Mid-Market CFO Association",
]
ACCOUNTS = [
    ("Acme Inc", "acme.example"),
    ("ACME GmbH", "www.acme.example"),
    ("Acme", None),
    ("Harrow Foods Ltd", "harrow.co.uk"),
    ("Harrow Foods", "shop.harrow.co.uk"),
    ("Bayview Hotels", "bayview.example"),
    ("Cobalt Analytics", None),
]
START = date(2026, 1, 1)


@st.composite
def deals_strategy(draw: st.DrawFn, max_size: int = 30) -> list[Deal]:
    """A list of deals on a few accounts by a few partners, with every field varied."""
    count = draw(st.integers(min_value=0, max_value=max_size))
    out = []
    shared: dict[int, tuple[Any, ...]] = {}  # the rows of one deal agree on the deal's own fields
    for n in range(count):
        deal_no = draw(st.integers(0, max(count // 2, 1)))
        if deal_no not in shared:
            account = draw(st.sampled_from(ACCOUNTS))
            stage = draw(st.sampled_from(list(Stage)))
            close = draw(st.integers(0, 365)) if stage is not Stage.OPEN or draw(st.booleans()) else None
            refunded = None
            if stage is Stage.WON and close is not None and draw(st.integers(0, 3)) == 0:
                refunded = close + draw(st.integers(0, 150))
            amount = Decimal(draw(st.integers(0, 5_000_000))) / 100
            shared[deal_no] = (account, stage, close, refunded, amount)
        (name, domain), stage, close, refunded, amount = shared[deal_no]
        registered = draw(st.one_of(st.none(), st.integers(0, 300)))
        approved = None
        if registered is not None and draw(st.booleans()):
            approved = registered + draw(st.integers(0, 20))
        credit = draw(st.one_of(st.none(), st.sampled_from(list(CreditOverride)))) if n % 4 == 0 else None
        out.append(
            Deal(
                deal_id=f"D-{deal_no}",
                account_name=name,
                account_domain=domain,
                partner=draw(st.sampled_from(PARTNERS)),
                touch=draw(st.sampled_from(list(Touch))),
                stage=stage,
                amount=amount,
                currency="USD",
                registered_on=START + timedelta(days=registered) if registered is not None else None,
                approved_on=START + timedelta(days=approved) if approved is not None else None,
                close_date=START + timedelta(days=close) if close is not None else None,
                credit=credit,
                credit_reason="a person's decision" if credit is not None else None,
                refunded_on=START + timedelta(days=refunded) if refunded is not None else None,
            )
        )
    return out
