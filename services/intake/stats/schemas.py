"""Shapes of the complaint statistics (CON management review)."""

from decimal import Decimal

from pydantic import BaseModel, Field


class ComplaintMonth(BaseModel):
    month: str
    received: int
    closed: int
    on_time_percent: Decimal | None = Field(
        description="CMP-3: the share of replies due for this month's complaints that came by the deadline"
    )
    by_kind: dict[str, int]


class CauseCount(BaseModel):
    cause: str
    count: int


class ComplaintStats(BaseModel):
    months: list[ComplaintMonth]
    causes: list[CauseCount] = Field(description="Pareto of the replies' causes, most frequent first")
