"""The service layer: one function per user job, called alike by the CLI, the Excel buttons and scripts.

Each function takes loaded inputs (a ``LoadedPlan``, a facts table) and options, does the whole job
through the core and the adapters, and returns a result that carries its problems, each placed in
the source it came from. A service never prints, exits or reads the clock: the door that calls it
parses its input, passes the date, and presents the result (cosmicpython's ``service_layer``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.lazy import lazy_exports

# name -> module that defines it; a name loads on first use, so a command that needs one service does
# not import them all (the agreements batch would pay 0.15 s for the tier, workbook and deal services).
_EXPORTS: dict[str, str] = {
    "ActualsResult": "partnerkit.services.actuals",
    "program_actuals": "partnerkit.services.actuals",
    "AgreementResult": "partnerkit.services.agreements",
    "ComparisonResult": "partnerkit.services.agreements",
    "compare_agreement": "partnerkit.services.agreements",
    "draft_agreement": "partnerkit.services.agreements",
    "draft_agreements": "partnerkit.services.agreements",
    "DealCheck": "partnerkit.services.deals",
    "LoadedDeals": "partnerkit.services.deals",
    "LoadedSurvey": "partnerkit.services.deals",
    "check_deals": "partnerkit.services.deals",
    "deals_from_rows": "partnerkit.services.deals",
    "read_deals": "partnerkit.services.deals",
    "read_survey": "partnerkit.services.deals",
    "survey_from_rows": "partnerkit.services.deals",
    "LoadedFacts": "partnerkit.services.facts",
    "read_facts": "partnerkit.services.facts",
    "PayoutResult": "partnerkit.services.payouts",
    "run_payouts": "partnerkit.services.payouts",
    "PlanCheck": "partnerkit.services.plan",
    "check_plan": "partnerkit.services.plan",
    "require_plan": "partnerkit.services.plan",
    "RoadmapResult": "partnerkit.services.roadmap",
    "roadmap_schedule": "partnerkit.services.roadmap",
    "StrategyResult": "partnerkit.services.strategy",
    "write_strategy": "partnerkit.services.strategy",
    "TemplatesExport": "partnerkit.services.templates",
    "check_template": "partnerkit.services.templates",
    "export_templates": "partnerkit.services.templates",
    "TermsResult": "partnerkit.services.terms",
    "term_review": "partnerkit.services.terms",
    "TierReviewResult": "partnerkit.services.tiers",
    "TierVerdicts": "partnerkit.services.tiers",
    "tier_review": "partnerkit.services.tiers",
    "tier_verdicts": "partnerkit.services.tiers",
    "NewWorkbook": "partnerkit.services.workbook",
    "SyncOutcome": "partnerkit.services.workbook",
    "export_workbook": "partnerkit.services.workbook",
    "import_workbook": "partnerkit.services.workbook",
    "new_workbook": "partnerkit.services.workbook",
    "sync_workbook": "partnerkit.services.workbook",
    # A door running one short job over a large plan pauses the cyclic collector the way the services
    # do (the plan holds no cycles); the Excel buttons do, each click being such a run.
    "no_gc": "partnerkit.collector",
}


__all__ = [
    "ActualsResult",
    "AgreementResult",
    "ComparisonResult",
    "DealCheck",
    "LoadedDeals",
    "LoadedFacts",
    "LoadedSurvey",
    "NewWorkbook",
    "PayoutResult",
    "PlanCheck",
    "RoadmapResult",
    "StrategyResult",
    "SyncOutcome",
    "TemplatesExport",
    "TermsResult",
    "TierReviewResult",
    "TierVerdicts",
    "check_deals",
    "check_plan",
    "check_template",
    "compare_agreement",
    "deals_from_rows",
    "draft_agreement",
    "draft_agreements",
    "export_templates",
    "export_workbook",
    "import_workbook",
    "new_workbook",
    "no_gc",
    "program_actuals",
    "read_deals",
    "read_facts",
    "read_survey",
    "require_plan",
    "roadmap_schedule",
    "run_payouts",
    "survey_from_rows",
    "sync_workbook",
    "term_review",
    "tier_review",
    "tier_verdicts",
    "write_strategy",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from partnerkit.collector import no_gc
    from partnerkit.services.actuals import ActualsResult, program_actuals
    from partnerkit.services.agreements import (
        AgreementResult,
        ComparisonResult,
        compare_agreement,
        draft_agreement,
        draft_agreements,
    )
    from partnerkit.services.deals import (
        DealCheck,
        LoadedDeals,
        LoadedSurvey,
        check_deals,
        deals_from_rows,
        read_deals,
        read_survey,
        survey_from_rows,
    )
    from partnerkit.services.facts import LoadedFacts, read_facts
    from partnerkit.services.payouts import PayoutResult, run_payouts
    from partnerkit.services.plan import PlanCheck, check_plan, require_plan
    from partnerkit.services.roadmap import RoadmapResult, roadmap_schedule
    from partnerkit.services.strategy import StrategyResult, write_strategy
    from partnerkit.services.templates import TemplatesExport, check_template, export_templates
    from partnerkit.services.terms import TermsResult, term_review
    from partnerkit.services.tiers import TierReviewResult, TierVerdicts, tier_review, tier_verdicts
    from partnerkit.services.workbook import (
        NewWorkbook,
        SyncOutcome,
        export_workbook,
        import_workbook,
        new_workbook,
        sync_workbook,
    )
