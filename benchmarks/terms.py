"""Deal terms at RevOps scale: every partner's terms built and linted, against a plain dict merge.

    python benchmarks/terms.py [--partners 10000] [--repeat 5] [--quick]

Contenders, each in its own process, alternating (harness.py), on the example plan grown to
``--partners`` integration and distribution partners:

* partnerkit: ``build_all_terms`` and ``lint_terms`` of every partner's terms;
* partnerkit: ``check_deal_terms``, the share the term check adds to ``partnerkit validate``;
* the loop a user writes over the plan's YAML dicts: each partner's agreement framework flattened
  to its leaf values, the partner's overrides laid over them by key, and two lint rules (the margin
  inside the band; percentages between 0 and 100). It imports nothing of partnerkit.

The issue sets no target for terms: the figures are reported, and the script's target line says so.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Contender

FRAMEWORK = {"integration": "integration", "distribution": "reseller"}


def plan_data(partners: int) -> dict[str, Any]:
    """The example plan's data with ``partners`` integration and distribution partners (copies of its own, renamed)."""
    import yaml

    here = Path(__file__).resolve().parent.parent / "partnerkit" / "examples" / "ledgerly.yaml"
    data: dict[str, Any] = yaml.safe_load(here.read_text(encoding="utf-8"))
    for kind in ("integration", "distribution"):
        rows = data["categories"][kind]["partners"]
        base = copy.deepcopy(rows)
        rows.clear()
        for i in range(partners // 2):
            row = copy.deepcopy(base[i % len(base)])
            row["name"] = f"{row['name']} #{i}"
            rows.append(row)
    return data


def plan_with(partners: int) -> Any:
    """The grown plan as partnerkit's Plan model."""
    from partnerkit.model import Plan

    return Plan.model_validate(plan_data(partners), context={"currency": "USD"})


# --- the contenders (factories: the set-up here, the returned function is timed) --------------------


def build_and_lint(partners: int) -> Any:
    """partnerkit: every partner's terms, built and linted."""
    from partnerkit.deals import build_all_terms
    from partnerkit.deals.lint import lint_terms

    plan = plan_with(partners)

    def work() -> Any:
        findings = [lint_terms(t) for _, _, t in build_all_terms(plan) if t is not None]
        return f"{len(findings)} partners' terms"

    return work


def term_check(partners: int) -> Any:
    """partnerkit: the term check of ``validate``."""
    from partnerkit.deals.lint import check_deal_terms

    plan = plan_with(partners)

    def work() -> Any:
        return f"{len(check_deal_terms(plan))} problems"

    return work


def leaves(node: Any, out: dict[str, Any]) -> dict[str, Any]:
    """A nested mapping's leaf values by their last key."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict):
                leaves(value, out)
            else:
                out[key] = value
    return out


def percent(value: Any) -> float | None:
    """``"30%"`` -> 30.0; None for anything else."""
    if isinstance(value, str) and value.endswith("%"):
        try:
            return float(value[:-1])
        except ValueError:
            return None
    return None


def plain_merge(partners: int) -> Any:
    """The plain loop: framework leaves, overrides laid over them, two lint rules."""
    data = plan_data(partners)

    def work() -> Any:
        frameworks = {kind: leaves(data["deal_frameworks"][name], {}) for kind, name in FRAMEWORK.items()}
        count, warnings = 0, 0
        for kind in FRAMEWORK:
            for partner in data["categories"][kind]["partners"]:
                terms = dict(frameworks[kind])
                for key, override in (partner.get("overrides") or {}).items():
                    terms[key] = override.get("value") if isinstance(override, dict) else override
                margin = percent(partner.get("margin"))
                band = data["deal_frameworks"].get("reseller", {}).get("pricing", {}).get("margin_band", {})
                low, high = percent(band.get("min")), percent(band.get("max"))
                if margin is not None and low is not None and high is not None and not low <= margin <= high:
                    warnings += 1
                warnings += sum(
                    1 for v in terms.values() if (p := percent(v)) is not None and not 0 <= p <= 100
                )
                count += 1
        return f"{count} partners' terms"

    return work


def main(argv: list[str] | None = None) -> int:
    """Run the contenders alternating and print the table; the issue sets no target here."""
    bench = harness.Bench("terms", (__doc__ or "").splitlines()[0])
    bench.parser.add_argument("--partners", type=int, default=10_000)
    args = bench.parse(argv)
    partners = 200 if args.quick else args.partners
    me = str(Path(__file__).resolve())
    results = harness.run(
        f"{partners:,} partners' deal terms",
        [
            Contender.call("partnerkit build + lint", me, "build_and_lint", partners=partners),
            Contender.call("partnerkit term check (validate)", me, "term_check", partners=partners),
            Contender.call("plain dict merge", me, "plain_merge", baseline=True, partners=partners),
        ],
        args.repeat,
    )
    bench.table(results, "the work alone")
    ours = "partnerkit build + lint"
    print(f"   per partner: {results.median(ours) / partners * 1000:.3f} ms to build and lint")
    bench.target(
        harness.Target(
            f"deal terms, {partners:,} partners",
            "none set (figures only)",
            f"{results.median(ours):.2f} s",
            None,
            **bench.figures(results, ours),
        )
    )
    return bench.finish()


if __name__ == "__main__":
    sys.exit(main())
