"""Supplier deduction shapes (SAN-7)."""

from decimal import Decimal

from pydantic import BaseModel

from services.sanctions.clauses.schemas import MoneyOut
from shared.schemas import ChinaTime


class DeductionOut(BaseModel):
    deduction_id: str
    incident_id: str
    supplier: str
    concession_kind: str
    hours: Decimal
    rate_per_hour: MoneyOut
    amount: MoneyOut
    occurred_at: ChinaTime
    month: str


class DeductionPage(BaseModel):
    items: list[DeductionOut]
    next_cursor: str | None = None


class SupplierTotalOut(BaseModel):
    supplier: str
    month: str
    total: MoneyOut
    deductions: int


class SupplierTotals(BaseModel):
    items: list[SupplierTotalOut]
