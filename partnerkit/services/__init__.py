"""The service layer: one function per user job, called alike by the CLI, the Excel buttons and scripts.

Each function takes loaded inputs (a ``LoadedPlan``, a facts table) and options, does the whole job
through the core and the adapters, and returns a result that carries its problems, each placed in
the source it came from. A service never prints, exits or reads the clock: the door that calls it
parses its input, passes the date, and presents the result (cosmicpython's ``service_layer``).
"""

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

# A door running one short job over a large plan pauses the cyclic collector the way the services
# do (the plan holds no cycles); the Excel buttons do, each click being such a run.
from partnerkit.tiers.evaluate import no_gc

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
