"""Helpers of the deal-term tests: validate edited plan data, find a partner in it."""

from __future__ import annotations

from typing import Any

from partnerkit.model import Plan


def to_plan(data: dict[str, Any]) -> Plan:
    """Validate plan data the way the plan file reader does (the plan's currency applies to money)."""
    return Plan.model_validate(data, context={"currency": data["product"].get("currency", "USD")})


def partner_data(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The partner called ``name`` in plan data, to edit in place."""
    for kind in ("integration", "distribution", "ecosystem"):
        for partner in data["categories"][kind]["partners"]:
            if partner["name"] == name:
                return partner
    raise KeyError(name)
