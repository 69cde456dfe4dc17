"""The plan as the workbook's input tables: rows of cell values, and the labels of (Field, Value) tables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from partnerkit.io.workbook import layout as L
from partnerkit.io.workbook.cells import CellValue, to_cell
from partnerkit.io.workbook.layout import Kind, Table
from partnerkit.model import Plan


def dig(data: Any, path: Sequence[str]) -> Any:
    """The value at ``path`` in nested mappings, or None when a key is missing on the way."""
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _row(table: Table, item: dict[str, Any], currency: str, **fixed: Any) -> list[CellValue]:
    unit = item.get("unit")
    out: list[CellValue] = []
    for column in table.columns:
        if column.result:
            out.append(None)
        elif column.path and column.path[0] in fixed:
            out.append(fixed[column.path[0]])
        else:
            out.append(to_cell(column.kind, dig(item, column.path), currency, unit))
    return out


def field_label(path: Sequence[str | int]) -> str:
    """A plan field as the (Field, Value) tables show it: ``philosophy.strategic_goals[1]``."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _flatten(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(data, dict) and path[-1:] != ("tier_targets",):
        for key, value in data.items():
            if key in L.ROW_LISTS or (key == "revenue_potential"):
                continue
            yield from _flatten(value, (*path, key))
    elif isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), value
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        # A short list of records inside a settings section (e.g. capacity changes): one row per field.
        for i, item in enumerate(data):
            yield from _flatten(item, (*path, i))
    elif isinstance(data, list) and L.key_value_kind(path)[0] is Kind.TEXTS:
        for i, value in enumerate(data):
            yield (*path, i), value
    else:
        yield path, data


def key_value_rows(data: dict[str, Any], table: Table, currency: str) -> list[list[CellValue]]:
    """The (Field, Value) rows of one key-value table."""
    rows: list[list[CellValue]] = []
    for prefix in L.KEY_VALUE_SECTIONS[table.name]:
        section = dig(data, prefix)
        if section is None:
            continue
        for path, value in _flatten(section, prefix):
            kind, _ = L.key_value_kind(path)
            rows.append([field_label(path), to_cell(kind, value, currency)])
    return rows


def plan_rows(plan: Plan) -> dict[str, list[list[CellValue]]]:
    """Every input table of the workbook as rows of cell values (result columns empty)."""
    data = plan.model_dump(mode="json")
    currency = plan.product.currency
    rows: dict[str, list[list[CellValue]]] = {t.name: [] for t in L.TABLES}
    for table in (L.PLAN_INFO, L.AGREEMENT_TERMS, L.ROADMAP_SETTINGS, L.TIER_PROGRAM):
        rows[table.name] = key_value_rows(data, table, currency)
    for kind in L.PARTNER_MODELS:
        for partner in data["categories"][kind.lower()]["partners"]:
            rows["Partners"].append(_row(L.PARTNERS_TABLE, partner, currency, category=kind))
            for term, override in (partner.get("overrides") or {}).items():
                fixed = {"partner": partner["name"], "term": term}
                rows["TermOverrides"].append(_row(L.TERM_OVERRIDES, override, currency, **fixed))
            for fact, value in (partner.get("facts") or {}).items():
                observations = value.items() if isinstance(value, dict) else [(None, value)]
                for when, seen in observations:
                    rows["PartnerFacts"].append(
                        [partner["name"], fact, to_cell(Kind.DATE, when), to_cell(Kind.FACT, seen)]
                    )
    for fact, spec in (data.get("tier_program") or {}).get("facts", {}).items():
        rows["FactSpecs"].append(_row(L.FACT_SPECS, spec, currency, fact=fact))
    for tier in data["tiers"]:
        rows["Tiers"].append(_row(L.TIERS_TABLE, tier, currency))
        for criterion in tier["criteria"]:
            rows["TierCriteria"].append(_row(L.TIER_CRITERIA, criterion, currency, tier=tier["name"]))
        for rule in tier.get("rules") or []:
            rows["TierRules"].append([tier["name"], to_cell(Kind.RULE, rule)])
    roadmap = data["roadmap"]
    for phase in roadmap["phases"]:
        rows["Phases"].append([phase["quarter"], phase["name"]])
        for activity in phase["activities"]:
            rows["Activities"].append(_row(L.ACTIVITIES, activity, currency, phase=phase["quarter"]))
        for target in phase["targets"]:
            rows["Targets"].append(_row(L.TARGETS, target, currency, quarter=phase["quarter"]))
    if roadmap.get("scale"):
        for activity in roadmap["scale"]["activities"]:
            quarters = roadmap["scale"]["quarters"]
            rows["Activities"].append(_row(L.ACTIVITIES, activity, currency, phase=quarters))
    for name, table in (
        ("metrics", L.METRICS_TABLE),
        ("assumptions", L.ASSUMPTIONS_TABLE),
        ("sources", L.SOURCES_TABLE),
    ):
        rows[table.name] = [_row(table, item, currency) for item in data[name]]
    return rows


_LABEL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$")


def parse_label(label: str) -> tuple[str | int, ...] | None:
    """``philosophy.strategic_goals[2]`` -> ``("philosophy", "strategic_goals", 1)``."""
    prefix = ".".join(L.TIER_TARGETS) + "."
    if label.startswith(prefix) and len(label) > len(prefix):
        return (*L.TIER_TARGETS, label[len(prefix) :])
    out: list[str | int] = []
    for part in label.split("."):
        match = _LABEL.match(part.strip())
        if not match:
            return None
        out.append(match.group(1))
        if match.group(2):
            out.append(max(int(match.group(2)) - 1, 0))
    return tuple(out)
