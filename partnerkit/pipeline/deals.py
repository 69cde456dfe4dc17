"""A deal as the CRM exports it: the account, the partner's touch, the registration, the close and the money.

One row is one partner's touch on one CRM opportunity (``deal_id``): a deal that two partners worked
on is two rows with the same deal id. Money is exact: ``amount`` is a ``Decimal`` in ``currency``,
the first-year contract value of the deal (the commission base of the program's agreements).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from partnerkit.model.values import Money


class Touch(StrEnum):
    """How the partner took part: it brought the deal, referred it, or helped an existing one."""

    SOURCED = "sourced"
    REFERRAL = "referral"
    INFLUENCED = "influenced"


class Stage(StrEnum):
    """Where the deal stands: still open, won (closed won) or lost (closed lost)."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class CreditOverride(StrEnum):
    """A person's decision on one row's credit, beating the primary-credit rule (it needs a reason)."""

    SOURCED = "sourced"
    INFLUENCED = "influenced"
    NONE = "none"


_WON = {"won", "closed won", "closed-won", "closed/won", "closedwon", "win"}
_LOST = {"lost", "closed lost", "closed-lost", "closed/lost", "closedlost", "loss"}


def parse_stage(text: str) -> Stage:
    """A CRM stage as a ``Stage``: 'Closed Won' is won, 'Closed Lost' lost, any other stage name is open.

    A stage that mentions closing, winning or losing but is none of the known spellings is refused
    (ValueError), so that a typo such as 'Closed Wno' never becomes an open deal silently.
    """
    key = " ".join(text.replace("_", " ").split()).casefold()
    if key in _WON:
        return Stage.WON
    if key in _LOST:
        return Stage.LOST
    if not key:
        raise ValueError("the stage is empty")
    if any(word in key for word in ("closed", "won", "lost")):
        raise ValueError(f"{text!r} is not a stage partnerkit knows; write 'Closed Won' or 'Closed Lost'")
    return Stage.OPEN


# Not frozen: a frozen dataclass sets every field through object.__setattr__, which makes a million
# deals about three times slower to build. Deals are read-only by convention (dataclasses.replace).
@dataclass(slots=True, kw_only=True)
class Deal:
    """One partner's touch on one CRM opportunity, with the registration and the outcome."""

    deal_id: str
    account_name: str
    partner: str
    touch: Touch
    stage: Stage
    amount: Decimal
    currency: str
    account_domain: str | None = None
    registered_on: date | None = None
    approved_on: date | None = None
    close_date: date | None = None
    credit: CreditOverride | None = None
    credit_reason: str | None = None
    refunded_on: date | None = None

    @property
    def money(self) -> Money:
        """The amount as ``Money``."""
        return Money(amount=self.amount, currency=self.currency)

    @property
    def registered(self) -> bool:
        """True when the row registers the deal: a sourced or referral touch with a registration date."""
        return self.registered_on is not None and self.touch is not Touch.INFLUENCED


def deal_row_problems(deal: Deal) -> list[tuple[str, str]]:
    """What is wrong inside one row, as ``(field, message)`` pairs; checks across rows live elsewhere."""
    found: list[tuple[str, str]] = []
    if deal.approved_on is not None and deal.registered_on is None:
        found.append(("registered_on", "the deal was approved but has no registration date"))
    if (
        deal.approved_on is not None
        and deal.registered_on is not None
        and deal.approved_on < deal.registered_on
    ):
        found.append(
            (
                "approved_on",
                f"approved on {deal.approved_on.isoformat()}, before it was registered "
                f"({deal.registered_on.isoformat()})",
            )
        )
    if deal.stage is not Stage.OPEN and deal.close_date is None:
        found.append(("close_date", f"a {deal.stage.value} deal needs its close date"))
    if deal.refunded_on is not None:
        if deal.stage is not Stage.WON:
            found.append(("refunded_on", "only a won deal can be refunded or churn"))
        elif deal.close_date is not None and deal.refunded_on < deal.close_date:
            found.append(
                (
                    "refunded_on",
                    f"refunded on {deal.refunded_on.isoformat()}, before the deal closed "
                    f"({deal.close_date.isoformat()})",
                )
            )
    if deal.credit is not None and not (deal.credit_reason or "").strip():
        found.append(("credit_reason", "a credit override needs its reason"))
    if deal.amount < 0:
        found.append(
            ("amount", f"an amount cannot be negative ({deal.amount}); record refunds as refunded_on")
        )
    return found
