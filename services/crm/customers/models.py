from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.crm.models import Base


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (Index("ix_customers_name_grams", "name_grams", postgresql_using="gin"),)

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    province: Mapped[str] = mapped_column(String(100), index=True)
    city: Mapped[str | None] = mapped_column(String(100), index=True)
    county: Mapped[str | None] = mapped_column(String(100))
    revenue_group: Mapped[int] = mapped_column(Integer)
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSONB)  # person, phone, email, address
    annual_revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    revenue_year: Mapped[int] = mapped_column(Integer)
    provincial_designated: Mapped[bool]
    tier: Mapped[str] = mapped_column(String(20))
    tier_reason: Mapped[str] = mapped_column(String(300))
    owner_level: Mapped[str] = mapped_column(String(20))
    sales_owner: Mapped[str | None] = mapped_column(String(200), index=True)
    regional_sales_rep: Mapped[str | None] = mapped_column(String(200))
    nature: Mapped[str | None] = mapped_column(String(50))
    scale: Mapped[str | None] = mapped_column(String(50))
    trend: Mapped[str | None] = mapped_column(String(50))
    customer_class: Mapped[str | None] = mapped_column(String(1), index=True)
    class_score: Mapped[int | None] = mapped_column(Integer)
    contract_signed_on: Mapped[date | None] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(200))
    # CON search by a part of the name (shared/search.py).
    name_grams: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CustomerRevenue(Base):
    """CRM-1: annual revenue per year; the tier uses the latest year."""

    __tablename__ = "customer_revenues"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class TierChange(Base):
    """CRM-3: every tier a customer had, why, and who changed the facts behind it."""

    __tablename__ = "tier_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    previous_tier: Mapped[str | None] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(20))
    owner_level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(300))
    annual_revenue: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    revenue_group: Mapped[int] = mapped_column(Integer)
    provincial_designated: Mapped[bool]
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
