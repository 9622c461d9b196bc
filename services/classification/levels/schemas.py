"""Rule sets (CLS-3), production rates (CLS-1) and cause routing (CLS-5) shapes."""

import uuid
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import Field, PlainSerializer, StrictBool, model_validator

from services.classification.levels.rules import PRESETS, CauseCategory
from shared.schemas import ChinaTime, MoneyIn, Out, Page, Short, Strict, Text

Hours = Annotated[Decimal, Field(gt=0, le=1000, max_digits=8, decimal_places=2)]
Count = Annotated[int, Field(ge=1, le=1_000_000_000)]
Number = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class ThresholdsIn(Strict):
    """Every threshold stated; ``null`` switches that rule off."""

    major_returns_shipped_batch: Count | None
    major_loss_amount: MoneyIn | None
    major_personal_injury: StrictBool
    major_reputation_damage: StrictBool
    batch_returns_same_model_date: Count | None
    batch_scrap_hours: Hours | None
    batch_rework_hours: Hours | None
    general_loss_amount: MoneyIn | None = None


class RuleSetIn(Strict):
    """A new version: a preset by name alone, or a named set with all its thresholds."""

    name: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_\-]+$")]
    thresholds: ThresholdsIn | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _preset_or_thresholds(self) -> Self:
        if self.thresholds is None and self.name not in PRESETS:
            presets = ", ".join(sorted(PRESETS))
            raise ValueError(f"thresholds are required unless name is a preset ({presets})")
        return self


class RuleSetOut(Out):
    version: int
    name: str
    thresholds: dict[str, Any]
    note: str | None
    created_by: str
    created_at: ChinaTime
    active: bool


RuleSetPage = Page[RuleSetOut]


class ProductionRateIn(Strict):
    units_per_hour: Annotated[Decimal, Field(gt=0, le=10_000_000, max_digits=12, decimal_places=2)]
    production_line: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class ProductionRateOut(Out):
    model: str
    production_line: str | None
    units_per_hour: Number
    updated_by: str
    updated_at: ChinaTime
    # CLS-1: the rate_missing incidents this rate reclassified (on PUT).
    reclassified: list[uuid.UUID] = []


class ProductionRates(Out):
    items: list[ProductionRateOut]


class CauseRouteIn(Strict):
    cause_category: CauseCategory
    department: Short
    head_id: Short | None = None
    head_name: Short | None = None


class CauseRoutingIn(Strict):
    """The whole table: each of the six categories exactly once."""

    routes: list[CauseRouteIn] = Field(min_length=len(CauseCategory), max_length=len(CauseCategory))

    @model_validator(mode="after")
    def _each_category_once(self) -> Self:
        given = [route.cause_category for route in self.routes]
        if sorted(given) != sorted(CauseCategory):
            raise ValueError(f"routes must name each cause category once: {', '.join(CauseCategory)}")
        return self


class CauseRouteOut(Out):
    cause_category: str
    department: str
    head_id: str | None
    head_name: str | None
    updated_by: str
    updated_at: ChinaTime


class CauseRoutingOut(Out):
    routes: list[CauseRouteOut]
