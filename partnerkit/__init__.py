"""partnerkit: plan and run a software company's partner program from one validated plan.

The public API is listed in ``__all__``. Names load on first use, so ``import partnerkit``
and ``partnerkit --help`` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerkit.lazy import lazy_exports

__version__ = "0.1.0"

# name -> module that defines it. Adding to the public API is adding a line here.
_EXPORTS: dict[str, str] = {
    # the jobs, one function each (the CLI and the Excel buttons call these too)
    "load": "partnerkit.io.planfile",
    "LoadedPlan": "partnerkit.loaded",
    "check_plan": "partnerkit.services",
    "read_facts": "partnerkit.services",
    "read_deals": "partnerkit.services",
    "read_survey": "partnerkit.services",
    "check_deals": "partnerkit.services",
    "run_payouts": "partnerkit.services",
    "program_actuals": "partnerkit.services",
    "tier_verdicts": "partnerkit.services",
    "tier_review": "partnerkit.services",
    "term_review": "partnerkit.services",
    "roadmap_schedule": "partnerkit.services",
    "write_strategy": "partnerkit.services",
    "draft_agreement": "partnerkit.services",
    "draft_agreements": "partnerkit.services",
    "compare_agreement": "partnerkit.services",
    "export_templates": "partnerkit.services",
    "check_template": "partnerkit.services",
    "new_workbook": "partnerkit.services",
    "export_workbook": "partnerkit.services",
    "import_workbook": "partnerkit.services",
    "sync_workbook": "partnerkit.services",
    # plan files and checks
    "load_plan": "partnerkit.io.planfile",
    "load_plan_with_problems": "partnerkit.io.planfile",
    "dump_plan": "partnerkit.io.planfile",
    "example_plan_path": "partnerkit.io.planfile",
    "validate": "partnerkit.checks",
    "grounding": "partnerkit.claims",
    "render_markdown": "partnerkit.report.markdown",
    # tiers
    "evaluate_tiers": "partnerkit.tiers.evaluate",
    "explain_tier": "partnerkit.tiers.explain",
    "review_tiers": "partnerkit.tiers.review",
    "load_facts": "partnerkit.io.facts",
    # deal terms
    "build_terms": "partnerkit.deals",
    "build_all_terms": "partnerkit.deals",
    "lint_terms": "partnerkit.deals.lint",
    "TermFinding": "partnerkit.deals.lint",
    "DealTerms": "partnerkit.deals",
    "IntegrationTerms": "partnerkit.deals",
    "ResellerTerms": "partnerkit.deals",
    "ReferralTerms": "partnerkit.deals",
    "Term": "partnerkit.deals",
    "Deviation": "partnerkit.deals",
    "Origin": "partnerkit.deals",
    "AgreementKind": "partnerkit.deals",
    "NoAgreementError": "partnerkit.deals",
    "UnknownPartnerError": "partnerkit.deals",
    # running the program: deals, registrations, attribution, payouts, actuals (docs/deals.md, payouts.md)
    "Deal": "partnerkit.pipeline",
    "Touch": "partnerkit.pipeline",
    "Stage": "partnerkit.pipeline",
    "CreditOverride": "partnerkit.pipeline",
    "Period": "partnerkit.pipeline",
    "parse_period": "partnerkit.pipeline",
    "check_registrations": "partnerkit.pipeline",
    "attribute": "partnerkit.pipeline",
    "compute_payouts": "partnerkit.payouts",
    "PayoutRun": "partnerkit.payouts",
    "Statement": "partnerkit.payouts",
    "SurveyResponse": "partnerkit.actuals",
    "net_promoter_score": "partnerkit.actuals",
    "example_deals_path": "partnerkit.io.pipeline.examples",
    "example_survey_path": "partnerkit.io.pipeline.examples",
    # the planning workbook
    "load_plan_from_workbook": "partnerkit.io.workbook.read",
    "build_workbook": "partnerkit.io.workbook.build",
    "WorkbookError": "partnerkit.errors",
    # the roadmap scheduler
    "schedule_roadmap": "partnerkit.roadmap",
    "roadmap_problems": "partnerkit.roadmap",
    "Schedule": "partnerkit.roadmap",
    "ScheduledActivity": "partnerkit.roadmap",
    "optimize_roadmap": "partnerkit.io.optimize",
    "write_gantt": "partnerkit.io.charts",
    # Word documents
    "render_agreement": "partnerkit.io.word.agreement",
    "render_all_agreements": "partnerkit.io.word.batch",
    "write_strategy_docx": "partnerkit.io.word.report",
    "AgreementDraft": "partnerkit.io.word.agreement",
    "TemplateError": "partnerkit.errors",
    # problems and errors
    "Problem": "partnerkit.problems",
    "Severity": "partnerkit.problems",
    "PartnerkitError": "partnerkit.errors",
    "PlanError": "partnerkit.errors",
    "UnreadableFileError": "partnerkit.errors",
    # the plan model
    "Plan": "partnerkit.model",
    "Product": "partnerkit.model",
    "Philosophy": "partnerkit.model",
    "Categories": "partnerkit.model",
    "IntegrationCategory": "partnerkit.model",
    "DistributionCategory": "partnerkit.model",
    "EcosystemCategory": "partnerkit.model",
    "IntegrationPartner": "partnerkit.model",
    "DistributionPartner": "partnerkit.model",
    "EcosystemPartner": "partnerkit.model",
    "Tier": "partnerkit.model",
    "TierBenefits": "partnerkit.model",
    "TierRequirements": "partnerkit.model",
    "DealFrameworks": "partnerkit.model",
    "IntegrationFramework": "partnerkit.model",
    "ResellerFramework": "partnerkit.model",
    "Roadmap": "partnerkit.model",
    "Activity": "partnerkit.model",
    "Metric": "partnerkit.model",
    "Assumption": "partnerkit.model",
    "Source": "partnerkit.model",
    "Money": "partnerkit.model",
    "Status": "partnerkit.model",
    "Priority": "partnerkit.model",
}

__all__ = ["__version__", *_EXPORTS]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals(), __all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from partnerkit.actuals import SurveyResponse, net_promoter_score
    from partnerkit.checks import validate
    from partnerkit.claims import grounding
    from partnerkit.deals import (
        AgreementKind,
        DealTerms,
        Deviation,
        IntegrationTerms,
        NoAgreementError,
        Origin,
        ReferralTerms,
        ResellerTerms,
        Term,
        UnknownPartnerError,
        build_all_terms,
        build_terms,
    )
    from partnerkit.deals.lint import TermFinding, lint_terms
    from partnerkit.errors import (
        PartnerkitError,
        PlanError,
        TemplateError,
        UnreadableFileError,
        WorkbookError,
    )
    from partnerkit.io.charts import write_gantt
    from partnerkit.io.facts import load_facts
    from partnerkit.io.optimize import optimize_roadmap
    from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
    from partnerkit.io.planfile import dump_plan, example_plan_path, load, load_plan, load_plan_with_problems
    from partnerkit.io.word.agreement import AgreementDraft, render_agreement
    from partnerkit.io.word.batch import render_all_agreements
    from partnerkit.io.word.report import write_strategy_docx
    from partnerkit.io.workbook.build import build_workbook
    from partnerkit.io.workbook.read import load_plan_from_workbook
    from partnerkit.loaded import LoadedPlan
    from partnerkit.model import (
        Activity,
        Assumption,
        Categories,
        DealFrameworks,
        DistributionCategory,
        DistributionPartner,
        EcosystemCategory,
        EcosystemPartner,
        IntegrationCategory,
        IntegrationFramework,
        IntegrationPartner,
        Metric,
        Money,
        Philosophy,
        Plan,
        Priority,
        Product,
        ResellerFramework,
        Roadmap,
        Source,
        Status,
        Tier,
        TierBenefits,
        TierRequirements,
    )
    from partnerkit.payouts import PayoutRun, Statement, compute_payouts
    from partnerkit.pipeline import (
        CreditOverride,
        Deal,
        Period,
        Stage,
        Touch,
        attribute,
        check_registrations,
        parse_period,
    )
    from partnerkit.problems import Problem, Severity
    from partnerkit.report.markdown import render_markdown
    from partnerkit.roadmap import Schedule, ScheduledActivity, roadmap_problems, schedule_roadmap
    from partnerkit.services import (
        check_deals,
        check_plan,
        check_template,
        compare_agreement,
        draft_agreement,
        draft_agreements,
        export_templates,
        export_workbook,
        import_workbook,
        new_workbook,
        program_actuals,
        read_deals,
        read_facts,
        read_survey,
        roadmap_schedule,
        run_payouts,
        sync_workbook,
        term_review,
        tier_review,
        tier_verdicts,
        write_strategy,
    )
    from partnerkit.tiers.evaluate import evaluate_tiers
    from partnerkit.tiers.explain import explain_tier
    from partnerkit.tiers.review import review_tiers
