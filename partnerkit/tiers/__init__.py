"""Tier eligibility: the rule language, facts, verdicts with reasons, gaps to the next tier and reviews.

Submodules load on first use (the plan model imports ``partnerkit.tiers.rules`` while it is itself
being imported, so this package must not import the model eagerly).
"""
