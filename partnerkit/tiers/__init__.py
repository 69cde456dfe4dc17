"""Tier eligibility: the rule language, facts, verdicts with reasons, gaps to the next tier and reviews.

The plan model imports ``partnerkit.tiers.rules`` for the ``rules:`` of a tier, and the rules use the
model's value types; importing the model first here makes either import order work.
"""

import partnerkit.model  # noqa: F401  (see above: settles the import order)
