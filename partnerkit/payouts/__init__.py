"""Payouts: what each partner is owed for a period under its agreement, as statements exact to the cent."""

from partnerkit.payouts.run import compute_payouts
from partnerkit.payouts.statements import (
    ROUNDING,
    LineKind,
    PayoutRun,
    Statement,
    StatementLine,
    cents,
)

__all__ = ["ROUNDING", "LineKind", "PayoutRun", "Statement", "StatementLine", "cents", "compute_payouts"]
