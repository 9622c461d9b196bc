"""Relationship-maintenance fee shapes (CRM-6; 客情关系维护费用管理制度)."""

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from services.crm.fees.models import FeeAdvance
from services.crm.fees.rules import SignOffStep, StatementStatus
from services.crm.schemas import MonthOut, Note
from shared.schemas import (
    MAX_MONEY,
    ChinaTime,
    Day,
    ListQuery,
    MoneyIn,
    MoneyOut,
    Month,
    Out,
    Page,
    PositiveMoneyIn,
    Short,
    Strict,
    TextFilter,
    attributes_of,
)

Purpose = Annotated[str, Field(min_length=1, max_length=2000)]


class FeePurpose(StrEnum):
    """第一条 2: 使用范围及用途."""

    BUYER = "buyer"  # ①客户采购员
    PURCHASING_HEAD = "purchasing_head"  # ②客户采购部领导
    EXECUTIVE = "executive"  # ③客户主管采购的公司领导
    NEW_CUSTOMER = "new_customer"  # ④争取新客户而所需的特殊费用
    EVENT = "event"  # ⑤客户的活动、推广会及各种联谊


class BudgetIn(Strict):
    amount: MoneyIn


class BudgetOut(Out):
    product: str
    year: int
    amount: MoneyOut
    committed: MoneyOut
    remaining: MoneyOut
    set_by: str
    set_at: ChinaTime


class BudgetList(Out):
    items: list[BudgetOut]


class DeadlinesOut(Out):
    month: str
    submit_by: ChinaTime
    sign_off_by: ChinaTime
    payable_from: ChinaTime
    calendar_estimated: bool


class StatementLineIn(Strict):
    customer_id: Short
    product: Short
    purpose: FeePurpose
    purchase_amount: MoneyIn
    fee_amount: PositiveMoneyIn
    note: Note | None = None


class StatementIn(Strict):
    month: Month
    sales_rep: Short | None = Field(None, description="defaults to the caller")
    lines: list[StatementLineIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def totals_fit(self) -> Self:
        """The statement's totals are stored as money too; a sum past the largest amount is refused."""
        for name in ("purchase_amount", "fee_amount"):
            if sum(getattr(line, name) for line in self.lines) > MAX_MONEY:
                raise ValueError(f"the lines' total {name} exceeds {MAX_MONEY}")
        return self


class StatementLineOut(Out):
    customer_id: str
    product: str
    purpose: str
    purchase_amount: MoneyOut
    fee_amount: MoneyOut
    note: str | None


class SignOffIn(Strict):
    step: SignOffStep


class SignOffOut(Out):
    step: SignOffStep
    signer: str
    signer_name: str | None
    signed_at: ChinaTime


class StatementOut(Out):
    id: uuid.UUID
    sales_rep: str
    month: MonthOut
    status: StatementStatus
    submitted_at: ChinaTime
    submitted_by: str
    submitted_late: bool
    submit_by: ChinaTime
    sign_off_by: ChinaTime
    payable_from: ChinaTime
    calendar_estimated: bool
    total_purchase: MoneyOut
    total_fee: MoneyOut
    payable: MoneyOut
    paid: MoneyOut
    lines: list[StatementLineOut]
    sign_offs: list[SignOffOut]
    next_sign_off: SignOffStep | None


StatementPage = Page[StatementOut]


class StatementQuery(ListQuery):
    """The filters of ``GET /v1/fee-statements``, newest month first; a sales rep sees only their own."""

    sales_rep: TextFilter = None
    month: Month | None = None
    limit: int = Field(50, ge=1, le=200)


class CollectionIn(Strict):
    customer_id: Short
    month: Month = Field(description="the month of the purchases this payment settles")
    amount: PositiveMoneyIn
    reference: Short | None = None


class CollectionOut(Out):
    id: uuid.UUID
    customer_id: str
    month: MonthOut
    amount: MoneyOut
    reference: str | None
    recorded_by: str
    recorded_at: ChinaTime


class PayoutOut(Out):
    id: uuid.UUID
    statement_id: uuid.UUID
    amount: MoneyOut
    paid_by: str
    paid_at: ChinaTime


class AdvanceStatus(StrEnum):
    OUTSTANDING = "outstanding"
    SETTLED = "settled"


class AdvanceIn(Strict):
    amount: PositiveMoneyIn
    purpose: Purpose
    sales_rep: Short | None = Field(None, description="defaults to the caller")
    statement_id: uuid.UUID | None = Field(None, description="the verified statement this advance pays out")


class AdvanceOut(Out):
    id: uuid.UUID
    sales_rep: str
    amount: MoneyOut
    purpose: str
    statement_id: uuid.UUID | None
    status: AdvanceStatus
    requested_by: str
    requested_at: ChinaTime
    settled_by: str | None
    settled_at: ChinaTime | None
    outstanding_after: MoneyOut | None = None

    @classmethod
    def of(cls, advance: FeeAdvance, outstanding_after: Decimal) -> Self:
        """The advance with what the rep has outstanding once it is granted or settled."""
        return cls.model_validate({**attributes_of(advance, cls), "outstanding_after": outstanding_after})


class AdvanceQuery(ListQuery):
    """The filters of ``GET /v1/fee-advances``; a sales rep sees only their own."""

    sales_rep: TextFilter = None
    status: AdvanceStatus | None = None


class AdvancePage(Page[AdvanceOut]):
    outstanding: MoneyOut | None = Field(None, description="the rep's outstanding total when filtered by sales_rep")


class SpecialFeeIn(Strict):
    customer_id: Short
    amount: PositiveMoneyIn
    purpose: Purpose
    product: Short | None = None


class SpecialFeeOut(Out):
    id: uuid.UUID
    customer_id: str
    sales_rep: str
    product: str | None
    amount: MoneyOut
    purpose: str
    requested_on: Day
    requested_at: ChinaTime
    status: str
    sign_offs: list[SignOffOut]
    next_sign_off: SignOffStep | None


SpecialFeePage = Page[SpecialFeeOut]


class SpecialFeeQuery(ListQuery):
    """The filters of ``GET /v1/special-fee-requests``; a sales rep sees only their own."""

    sales_rep: TextFilter = None
    customer_id: TextFilter = None
