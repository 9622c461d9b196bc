"""The CRM-4 scoring table as it travels over HTTP."""

from typing import Annotated, Literal, Self

from pydantic import Field

from services.crm.classes.models import ScoringTableVersion
from services.crm.classes.rules import ScoringTable
from shared.schemas import ChinaTime, MoneyIn, MoneyOut, Out, Strict, attributes_of

Points = Annotated[int, Field(ge=0, le=1000)]
Option = Annotated[str, Field(min_length=1, max_length=50)]
Options = Annotated[dict[Option, Points], Field(min_length=1, max_length=50)]


class SalesBandIn(Strict):
    min_revenue: MoneyIn
    points: Points


class ScoringTableIn(Strict):
    nature: Options
    scale: Options
    trend: Options
    sales_bands: list[SalesBandIn] = Field(min_length=1, max_length=20)
    class_minimums: dict[Literal["A", "B", "C"], Points]
    visit_interval_months: dict[Literal["A", "B", "C", "D"], Annotated[int, Field(ge=1, le=12)]]


# The table the service ships with, before anyone sets one.
SHIPPED_DEFAULT = {"version": 0, "set_by": None, "set_at": None}


class SalesBandOut(Out):
    min_revenue: MoneyOut
    points: int


class ScoringTableOut(Out):
    version: int
    nature: dict[str, int]
    scale: dict[str, int]
    trend: dict[str, int]
    sales_bands: list[SalesBandOut]
    class_minimums: dict[str, int]
    visit_interval_months: dict[str, int]
    set_by: str | None
    set_at: ChinaTime | None
    reclassified: int | None = None

    @classmethod
    def of(cls, stored: ScoringTableVersion | None, table: ScoringTable, reclassified: int | None = None) -> Self:
        """The table in force; the shipped default (no stored version) is version 0, set by nobody."""
        return cls.model_validate(
            {
                **attributes_of(table, cls),
                **(attributes_of(stored, cls) if stored is not None else SHIPPED_DEFAULT),
                "reclassified": reclassified,
            }
        )
