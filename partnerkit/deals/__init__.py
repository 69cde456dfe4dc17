"""Deal terms: the partner's agreement as data, how it is built from the plan, and its lint."""

from partnerkit.deals.build import build_all_terms, build_terms, find_partner
from partnerkit.deals.terms import (
    AgreementKind,
    AnyTerms,
    DealTerms,
    Deviation,
    IntegrationTerms,
    KeyTermRow,
    NoAgreementError,
    Origin,
    PartyTerms,
    ReferralTerms,
    ResellerTerms,
    Term,
    UnknownPartnerError,
    agreement_kind,
)

__all__ = [
    "AgreementKind",
    "AnyTerms",
    "DealTerms",
    "Deviation",
    "IntegrationTerms",
    "KeyTermRow",
    "NoAgreementError",
    "Origin",
    "PartyTerms",
    "ReferralTerms",
    "ResellerTerms",
    "Term",
    "UnknownPartnerError",
    "agreement_kind",
    "build_all_terms",
    "build_terms",
    "find_partner",
]
