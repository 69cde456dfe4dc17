"""The partner pipeline: deals from the CRM, account matching, registrations and conflicts, attribution."""

from partnerkit.pipeline.accounts import account_keys, company_key, registrable_domain, same_account
from partnerkit.pipeline.attribution import Attribution, DealCredit, PartnerRevenue, Revenue, attribute
from partnerkit.pipeline.deals import CreditOverride, Deal, Stage, Touch, deal_row_problems, parse_stage
from partnerkit.pipeline.periods import Period, parse_period, quarter_of
from partnerkit.pipeline.registrations import (
    Finding,
    FindingKind,
    Protection,
    RegistrationCheck,
    RegistrationStatus,
    check_registrations,
)
from partnerkit.pipeline.rules import PartnerRules, partner_rules

__all__ = [
    "Attribution",
    "CreditOverride",
    "Deal",
    "DealCredit",
    "Finding",
    "FindingKind",
    "PartnerRevenue",
    "PartnerRules",
    "Period",
    "Protection",
    "RegistrationCheck",
    "RegistrationStatus",
    "Revenue",
    "Stage",
    "Touch",
    "account_keys",
    "attribute",
    "check_registrations",
    "company_key",
    "deal_row_problems",
    "parse_period",
    "parse_stage",
    "partner_rules",
    "quarter_of",
    "registrable_domain",
    "same_account",
]
