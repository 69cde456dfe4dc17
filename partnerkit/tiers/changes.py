"""Approved tier changes written into the plan: each partner's tier, its start and its tier history.

A review only proposes; a person approves. ``apply_proposals`` takes the approved proposals and
returns a new plan (the old one is untouched) where each partner's ``tier_history`` ends with the
approved tier from the proposal's effective date, and ``tier``/``tier_since`` agree with it. A
downgrade that waits its grace period is dated at the end of it, so until then the partner still
holds its tier (the engine reads the history entry in force on the review date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from partnerkit.model.partners import TierSpell
from partnerkit.model.program import ProgramPartner, TierProgramFile, tier_partners
from partnerkit.model.values import fold_name

if TYPE_CHECKING:
    from partnerkit.model.plan import Plan
    from partnerkit.tiers.review import Proposal


@dataclass(frozen=True)
class AppliedChanges:
    """A plan with approved tier changes, which proposals were applied and which could not be."""

    plan: Any
    applied: list[Proposal] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def new_history(partner: Any, proposal: Proposal, as_of: date) -> list[TierSpell]:
    """A partner's tier history with an approved proposal appended.

    Without a history, the current tier and ``tier_since`` (the plan's, or those the review found in
    a facts table) become its first entry; when the tier's start is unknown and the change waits (a
    grace period), the review date stands in for it, so the partner still holds that tier until the
    change takes effect. A change approved again replaces
    the entries dated on or after its effective date.
    """
    history = list(partner.tier_history)
    # the tier held now: the plan's, else the review's (a partner whose tier came from a facts table)
    tier, since = partner.tier, partner.tier_since
    if tier is None and proposal.current_tier is not None:
        tier, since = proposal.current_tier, proposal.current_since
    if not history and tier is not None:
        if since is not None:
            history = [TierSpell(tier=tier, **{"from": since})]
        elif proposal.effective > as_of:
            history = [TierSpell(tier=tier, **{"from": as_of})]
    history = [spell for spell in history if spell.from_ < proposal.effective]
    history.append(TierSpell(tier=proposal.proposed_tier, **{"from": proposal.effective}))
    return history


def apply_proposals(source: Plan | TierProgramFile, proposals: list[Proposal], as_of: date) -> AppliedChanges:
    """A copy of ``source`` (a plan or a program file) with the approved ``proposals`` applied.

    A plan's partner must already be in the plan (a partner only in a facts table has no category
    or agreement yet): such proposals are skipped with a reason. A program file gains a partner
    entry for it.
    """
    updated = source.model_copy(deep=True)
    entries: dict[str, Any] = {}
    folded: dict[str, Any] = {}
    for _, partner in tier_partners(updated, applied_only=False):
        entries[partner.name] = partner
        folded.setdefault(fold_name(partner.name), partner)
    applied: list[Proposal] = []
    skipped: list[tuple[str, str]] = []
    for proposal in proposals:
        partner = entries.get(proposal.partner) or folded.get(fold_name(proposal.partner))
        if partner is None:
            if isinstance(updated, TierProgramFile):
                partner = ProgramPartner(name=proposal.partner)
                updated.partners.append(partner)
                entries[partner.name] = partner
            else:
                skipped.append((proposal.partner, "not in the plan: add it to a category first"))
                continue
        history = new_history(partner, proposal, as_of)
        partner.tier_history = history
        partner.tier = history[-1].tier
        partner.tier_since = history[-1].from_ if history[-1].tier is not None else None
        applied.append(proposal)
    return AppliedChanges(updated, applied, skipped)
