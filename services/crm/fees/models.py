import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.crm.models import Base


class FeeBudget(Base):
    """CRM-6: 针对每个产品制定不同标准的客情费 — a yearly budget per product."""

    __tablename__ = "fee_budgets"

    product: Mapped[str] = mapped_column(String(200), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeeStatement(Base):
    """《月客户采购及客情费统计表》: one per sales rep and month."""

    __tablename__ = "fee_statements"
    __table_args__ = (UniqueConstraint("sales_rep", "month"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    sales_rep: Mapped[str] = mapped_column(String(200), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_late: Mapped[bool]
    submit_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sign_off_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payable_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    calendar_estimated: Mapped[bool]
    total_purchase: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_fee: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    submitted_by: Mapped[str] = mapped_column(String(200))


class FeeStatementLine(Base):
    __tablename__ = "fee_statement_lines"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fee_statements.id"), index=True)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    product: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(30))
    purchase_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    fee_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(Text)


class SignOff(Base):
    """One signature on a statement or a special-fee request (逐层检核)."""

    __tablename__ = "fee_sign_offs"

    document_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    step: Mapped[str] = mapped_column(String(20), primary_key=True)
    signer: Mapped[str] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeeCollection(Base):
    """回款: a customer's payment collected for one month's purchases (finance records it)."""

    __tablename__ = "fee_collections"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    month: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    reference: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeePayout(Base):
    __tablename__ = "fee_payouts"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("fee_statements.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    paid_by: Mapped[str] = mapped_column(String(200))
    paid_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SalesRepAccount(Base):
    """The row a rep's advances lock (SELECT … FOR UPDATE) so the CRM-6 limit holds under concurrency."""

    __tablename__ = "sales_rep_accounts"

    rep_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    outstanding_advance: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class FeeAdvance(Base):
    """借支: cash a rep draws to pay fees out; outstanding until finance settles (核销) it."""

    __tablename__ = "fee_advances"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    sales_rep: Mapped[str] = mapped_column(ForeignKey("sales_rep_accounts.rep_id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    purpose: Mapped[str] = mapped_column(Text)
    statement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fee_statements.id"))
    status: Mapped[str] = mapped_column(String(20))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_by: Mapped[str | None] = mapped_column(String(200))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SpecialFeeRequest(Base):
    """《新客户特殊费用申请表》: must be filed before the customer's contract is signed."""

    __tablename__ = "special_fee_requests"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    customer_id: Mapped[str] = mapped_column(String(200), index=True)
    sales_rep: Mapped[str] = mapped_column(String(200), index=True)
    product: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    purpose: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
