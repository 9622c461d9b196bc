"""Supplier deduction shapes (SAN-7)."""

from decimal import Decimal

from pydantic import Field

from services.sanctions.summaries.rules import MONTH_PATTERN
from shared.schemas import ChinaTime, ListQuery, MoneyOut, Out, Page, PlainText, TextFilter


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


class DeductionFilter(PlainText):
    """A month's and a supplier's deductions (SAN-7)."""

    month: str | None = Field(None, pattern=MONTH_PATTERN)
    supplier: TextFilter = None


class DeductionQuery(ListQuery, DeductionFilter):
    """The filters of ``GET /v1/supplier-deductions``."""
