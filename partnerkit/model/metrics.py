"""Success metrics, the assumptions log and the sources the plan cites."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_serializer, field_validator, model_validator

from partnerkit.model.values import (
    ConfidenceField,
    IsoDate,
    Money,
    Name,
    PlanModel,
    SourceId,
    SourceRefs,
    Text,
    choice,
    format_percent,
    parse_percent,
)


class MetricUnit(StrEnum):
    """What a metric counts."""

    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    NPS = "nps"


class MetricMeasure(StrEnum):
    """What partnerkit computes a metric's actuals from (docs/deals.md): deals, or survey responses."""

    ACTIVE_PARTNERS = "active_partners"
    PARTNER_SOURCED_LEADS = "partner_sourced_leads"
    PARTNER_SOURCED_REVENUE = "partner_sourced_revenue"
    PARTNER_INFLUENCED_REVENUE = "partner_influenced_revenue"
    PARTNER_NPS = "partner_nps"


# The unit each measure counts in: a revenue measure is money, NPS is an NPS, the rest are counts.
MEASURE_UNITS: dict[MetricMeasure, MetricUnit] = {
    MetricMeasure.ACTIVE_PARTNERS: MetricUnit.COUNT,
    MetricMeasure.PARTNER_SOURCED_LEADS: MetricUnit.COUNT,
    MetricMeasure.PARTNER_SOURCED_REVENUE: MetricUnit.MONEY,
    MetricMeasure.PARTNER_INFLUENCED_REVENUE: MetricUnit.MONEY,
    MetricMeasure.PARTNER_NPS: MetricUnit.NPS,
}

_VALUE_FIELDS = ("q1", "q2", "year1", "actual_q1", "actual_q2", "actual_year1")


def _number(value: object, unit: object) -> object:
    # "-" is how the template marks "no target this period".
    if value is None or (isinstance(value, str) and value.strip() in {"", "-", "—"}):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if str(getattr(unit, "value", unit)).lower() == "percent":
        return parse_percent(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        raise ValueError(f"{value!r} is a percentage but the metric's unit is not 'percent'")
    if isinstance(value, str):
        return Money.model_validate(value).amount
    return value


class Metric(PlanModel):
    """A success metric with Q1, Q2 and Year-1 targets and, once known, actuals.

    Money metrics are in the plan's currency; percent metrics are written ``"30%"`` like every
    percentage of the plan and held as fractions.
    """

    name: Name
    unit: choice(MetricUnit, "metric unit") = MetricUnit.COUNT  # type: ignore[valid-type]
    cumulative: bool = Field(True, description="targets build up over the year (NPS does not)")
    q1: Decimal | None = None
    q2: Decimal | None = None
    year1: Decimal | None = None
    actual_q1: Decimal | None = None
    actual_q2: Decimal | None = None
    actual_year1: Decimal | None = None
    measure: choice(MetricMeasure, "measure") | None = Field(  # type: ignore[valid-type]
        None, description="compute the actuals from the deals or survey responses (docs/deals.md)"
    )
    sources: SourceRefs = Field(default_factory=list)

    @model_validator(mode="after")
    def _measure_unit(self) -> Metric:
        if self.measure is not None and MEASURE_UNITS[self.measure] is not self.unit:
            unit = MEASURE_UNITS[self.measure].value
            raise ValueError(
                f"measure {self.measure.value!r} counts in unit {unit!r}, not {self.unit.value!r}; "
                f"set unit: {unit}"
            )
        return self

    @field_validator(*_VALUE_FIELDS, mode="before")
    @classmethod
    def _parse_value(cls, value: object, info: ValidationInfo) -> object:
        # `unit` is declared first, so it is already validated here.
        return _number(value, info.data.get("unit", MetricUnit.COUNT))

    @field_validator(*_VALUE_FIELDS)
    @classmethod
    def _range(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and abs(value) >= Decimal("1e12"):
            raise ValueError(f"{value} is out of range")
        return value

    @field_serializer(*_VALUE_FIELDS)
    def _dump_value(self, value: Decimal | None) -> object:
        if value is None:
            return None
        if self.unit is MetricUnit.PERCENT:
            return format_percent(value)
        return int(value) if value == value.to_integral_value() else str(value)


class Assumption(PlanModel):
    """A belief the plan rests on, how sure we are, and how we will check it."""

    assumption: Text
    confidence: ConfidenceField
    validation_method: Text
    sources: SourceRefs = Field(default_factory=list)


class SourceType(StrEnum):
    """What kind of source a citation is."""

    POSITIONING = "Positioning"
    ICP = "ICP"
    RESEARCH = "Research"
    BENCHMARK = "Benchmark"
    INTERNAL = "Internal"


class Source(PlanModel):
    """An entry of the Sources table that claims cite by id."""

    id: SourceId
    title: Name
    type: choice(SourceType, "source type")  # type: ignore[valid-type]
    date: IsoDate | None = None
    url: str | None = Field(None, max_length=2000)
