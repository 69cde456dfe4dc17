"""How partnerkit writes documents: legal's own Word templates for each agreement, and the date format."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, field_validator

from partnerkit.model.values import PlanModel, choice


class DateFormat(StrEnum):
    """How a document writes a date: one form throughout."""

    LONG = "long"
    US = "us"
    ISO = "iso"

    def write(self, day: date) -> str:
        """``day`` in this form: ``5 January 2026``, ``January 5, 2026`` or ``2026-01-05``."""
        if self is DateFormat.ISO:
            return day.isoformat()
        if self is DateFormat.US:
            return f"{day:%B} {day.day}, {day.year}"
        return f"{day.day} {day:%B} {day.year}"


def _template_path(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise ValueError("give the path of a .docx file, or leave the key out to use the shipped template")
    if not text.lower().endswith(".docx"):
        raise ValueError(f"{text!r} is not a Word template: a template is a .docx file")
    return text


class AgreementTemplates(PlanModel):
    """Legal's Word template for each agreement; a path is relative to the plan file's folder.

    There is one template per agreement a partner signs: integration partners sign the Integration
    Partnership Agreement (whose referral clauses are the program's referral terms), distribution
    partners the Reseller Partnership Agreement.
    """

    integration: str | None = Field(
        None,
        max_length=1000,
        description="the Integration Partnership Agreement, e.g. legal/integration.docx",
    )
    reseller: str | None = Field(
        None, max_length=1000, description="the Reseller Partnership Agreement, e.g. legal/reseller.docx"
    )

    @field_validator("integration", "reseller")
    @classmethod
    def _docx(cls, value: str | None) -> str | None:
        return _template_path(value)

    def for_kind(self, kind: str) -> str | None:
        """The template given for agreement ``kind`` ("integration" or "reseller"), or None."""
        value: str | None = getattr(self, kind, None)
        return value


class DocumentSettings(PlanModel):
    """How partnerkit writes documents: legal's templates for the drafts, and one date format."""

    templates: AgreementTemplates = Field(
        default_factory=AgreementTemplates,
        description="legal's edited agreement templates; the shipped ones are used for the rest",
    )
    date_format: choice(DateFormat, "date format") = Field(  # type: ignore[valid-type]
        DateFormat.LONG,
        description="how drafts write dates: long (5 January 2026), us (January 5, 2026) or iso (2026-01-05)",
    )
