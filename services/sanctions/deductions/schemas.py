"""Supplier deduction shapes (SAN-7)."""

from decimal import Decimal

from shared.schemas import ChinaTime, MoneyOut, Out, Page


class DeductionOut(Out):
    deduction_id: str
    incident_id: str
    supplier: str
    concession_kind: str
    hours: Decimal
    rate_per_hour: MoneyOut
    amount: MoneyOut
    occurred_at: ChinaTime
    month: str


DeductionPage = Page[DeductionOut]


class SupplierTotalOut(Out):
    supplier: str
    month: str
    total: MoneyOut
    deductions: int


class SupplierTotals(Out):
    items: list[SupplierTotalOut]
