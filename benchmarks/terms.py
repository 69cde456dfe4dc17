"""What deal terms cost at RevOps scale: building and linting every partner's terms, and the share they add to validate.

Baseline, measured in the same run: ``validate(plan)`` without the term check (the foundation's checks).
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

import yaml

from partnerkit import checks
from partnerkit.deals import build_all_terms
from partnerkit.deals.lint import check_deal_terms, lint_terms
from partnerkit.io.planfile import example_plan_path
from partnerkit.model import Plan

SIZES = (1_000, 10_000)
RUNS = 3


def plan_with(partners: int) -> Plan:
    """The example plan with ``partners`` integration and distribution partners (copies of its own, renamed)."""
    data: dict[str, Any] = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    for kind in ("integration", "distribution"):
        rows = data["categories"][kind]["partners"]
        base = copy.deepcopy(rows)
        rows.clear()
        for i in range(partners // 2):
            row = copy.deepcopy(base[i % len(base)])
            row["name"] = f"{row['name']} #{i}"
            rows.append(row)
    return Plan.model_validate(data, context={"currency": "USD"})


def best(action: Callable[[], object]) -> float:
    """Median seconds of RUNS runs of ``action``."""
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print the table."""
    others = [c for c in checks.CHECKS if c is not check_deal_terms]
    print(
        f"{'partners':>9} | {'validate w/o terms':>18} | {'term check':>10} | {'build+lint':>10} | per partner"
    )
    print(f"{'-' * 9}-+-{'-' * 18}-+-{'-' * 10}-+-{'-' * 10}-+------------")
    for size in SIZES:
        plan = plan_with(size)
        baseline = best(lambda plan=plan: [c(plan) for c in others])  # type: ignore[misc]
        term_check = best(lambda plan=plan: check_deal_terms(plan))  # type: ignore[misc]
        build_lint = best(  # type: ignore[misc]
            lambda plan=plan: [lint_terms(t) for _, _, t in build_all_terms(plan) if t is not None]
        )
        print(
            f"{size:>9,} | {baseline:>16.3f} s | {term_check:>8.3f} s | {build_lint:>8.3f} s | "
            f"{build_lint / size * 1000:.3f} ms"
        )


if __name__ == "__main__":
    main()
