"""Tier eligibility: the plan's rules (``model.rules``) evaluated on facts, verdicts with reasons, gaps, reviews."""
