"""Shapes of the sanctions statistics (CON management review)."""

from pydantic import BaseModel

from shared.schemas import MoneyOut


class Tally(BaseModel):
    count: int
    amount: MoneyOut


class SanctionMonth(BaseModel):
    month: str
    penalties: Tally
    rewards: Tally


class SanctionStats(BaseModel):
    months: list[SanctionMonth]
