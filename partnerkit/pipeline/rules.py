"""What each partner's agreement says about running deals: who may register, protection, commission rates.

The values come from the partner's deal terms (``partnerkit.deals.build_terms``: tier benefit, else
the partner's row, else the framework default, unless the partner overrides it) and from its tier:

* Distribution partners (Reseller agreement) may register deals when their ``deal_registration``
  term is yes (the tier benefit, or an override; a partner without a tier may); a registration is
  protected for their ``protection_period_days``. They earn their ``partner_discount`` as a margin on
  the deals they source, plus the ``registered_deal_extra_discount`` on a registered deal closed
  inside its protection.
* Integration partners (Integration agreement) may register when their tier grants deal
  registration (a partner without a tier may). A sourced registration is protected for the
  program's protection period (the Reseller framework's, as their agreement has none); a referral
  for their ``attribution_window_days``. They earn the ``revenue_share`` on deals they source and the
  ``referral_fee`` on referrals, for ``referral_tail_months`` from the first deal on the account.
* Ecosystem partners sign no agreement: they cannot register deals and are paid nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from partnerkit.deals.terms import IntegrationTerms, ResellerTerms
from partnerkit.model import Plan
from partnerkit.model.partners import AnyPartner, CategoryKind, DistributionPartner
from partnerkit.model.values import fold_name
from partnerkit.pipeline.deals import Touch


@dataclass(frozen=True, slots=True)
class PartnerRules:
    """One partner's rules for registering deals and being paid, resolved from its terms and tier."""

    partner: str
    category: CategoryKind
    tier: str | None
    may_register: bool
    why_not: str = ""
    protection_days: int | None = None
    referral_days: int | None = None
    revenue_share: Decimal | None = None
    referral_fee: Decimal | None = None
    tail_months: int | None = None
    partner_discount: Decimal | None = None
    registered_discount: Decimal | None = None
    accelerator: Decimal | None = None
    accelerator_threshold: Decimal | None = None

    @property
    def agreement(self) -> str | None:
        """``"integration"``, ``"reseller"`` or None (ecosystem partners sign none)."""
        if self.category is CategoryKind.INTEGRATION:
            return "integration"
        if self.category is CategoryKind.DISTRIBUTION:
            return "reseller"
        return None

    def protection_for(self, touch: Touch) -> int | None:
        """How many days a registration with this touch is protected (a referral: the attribution window)."""
        if touch is Touch.REFERRAL and self.category is CategoryKind.INTEGRATION:
            return self.referral_days
        return self.protection_days


def _cache_key(plan: Plan, category: CategoryKind, partner: AnyPartner) -> tuple[object, ...] | None:
    # Partners without overrides in the same category and tier get the same rules; a reseller
    # without a tier takes its own margin from the strategy table. A large program has few keys.
    if partner.overrides:
        return None
    margin = partner.margin if isinstance(partner, DistributionPartner) and partner.tier is None else None
    known_tier = partner.tier is not None and any(t.name == partner.tier for t in plan.tiers)
    return (category, partner.tier if known_tier else None, margin)


def partner_rules(plan: Plan) -> dict[str, PartnerRules]:
    """The rules of every partner of ``plan``, by name."""
    from dataclasses import replace

    from partnerkit.deals import build_terms

    program_protection = plan.deal_frameworks.reseller.deal_registration.protection_period_days
    tiers = {t.name: t for t in plan.tiers}
    cache: dict[tuple[object, ...], PartnerRules] = {}
    out: dict[str, PartnerRules] = {}
    for category, partner in plan.partners():
        key = _cache_key(plan, category, partner)
        if key is not None and key in cache:
            out[partner.name] = replace(cache[key], partner=partner.name, tier=partner.tier)
            continue
        tier = tiers.get(partner.tier) if partner.tier is not None else None
        benefits = tier.benefits if tier is not None else None
        accelerator = benefits.payout_accelerator if benefits is not None else None
        threshold = benefits.accelerator_threshold if benefits is not None else None
        threshold_amount = threshold.amount if threshold is not None else None
        if category is CategoryKind.ECOSYSTEM:
            rules = PartnerRules(
                partner.name,
                category,
                partner.tier,
                may_register=False,
                why_not="ecosystem partners sign no agreement, so they cannot register deals",
            )
        else:
            terms = build_terms(plan, partner)
            if isinstance(terms, ResellerTerms):
                allowed = (
                    bool(terms.deal_registration.value) and terms.protection_period_days.value is not None
                )
                rules = PartnerRules(
                    partner.name,
                    category,
                    partner.tier,
                    may_register=allowed,
                    why_not="" if allowed else _no_registration(partner, terms),
                    protection_days=terms.protection_period_days.value,
                    partner_discount=terms.partner_discount.value,
                    registered_discount=terms.registered_deal_extra_discount.value,
                    accelerator=accelerator,
                    accelerator_threshold=threshold_amount,
                )
            else:
                assert isinstance(terms, IntegrationTerms)
                allowed = benefits.deal_registration if benefits is not None else True
                referral = terms.referral
                rules = PartnerRules(
                    partner.name,
                    category,
                    partner.tier,
                    may_register=allowed,
                    why_not="" if allowed else _no_registration(partner),
                    protection_days=program_protection,
                    referral_days=referral.attribution_window_days.value,
                    revenue_share=terms.revenue_share.value,
                    referral_fee=referral.referral_fee.value,
                    tail_months=referral.referral_tail_months.value,
                    accelerator=accelerator,
                    accelerator_threshold=threshold_amount,
                )
        out[partner.name] = rules
        if key is not None:
            cache[key] = rules
    return out


def _no_registration(partner: AnyPartner, terms: ResellerTerms | None = None) -> str:
    # no partner name in the text: partners of the same tier share one PartnerRules
    if terms is not None and terms.deal_registration.value and terms.protection_period_days.value is None:
        return "its agreement sets no protection period"
    if partner.overrides.get("deal_registration") is not None:
        return "its agreement excludes deal registration (a per-partner override)"
    return f"its tier ({partner.tier}) has no deal registration"


def rules_by_name(rules: dict[str, PartnerRules], names: set[str]) -> dict[str, PartnerRules]:
    """The rules of each name in ``names`` that is a partner, compared exactly, then folded (``fold_name``)."""
    folded = {fold_name(key): value for key, value in rules.items()}
    out = {}
    for name in names:
        found = rules.get(name) or folded.get(fold_name(name))
        if found is not None:
            out[name] = found
    return out
