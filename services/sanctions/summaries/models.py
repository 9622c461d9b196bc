from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.sanctions.models import Base


class ClosedMonth(Base):
    """SAN-5: a closed month is immutable; its lines were fixed when administration closed it."""

    __tablename__ = "closed_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    total_rewards: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_penalties: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_compensation: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    notice_count: Mapped[int] = mapped_column(Integer)
    # A forced close before the month ended keeps its reason (SAN-5).
    force_reason: Mapped[str | None] = mapped_column(Text)


class SummaryLine(Base):
    __tablename__ = "summary_lines"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    employee_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    employee_name: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    rewards: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    penalties: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    compensation: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    net: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    dismissals: Mapped[int] = mapped_column(Integer)
    notice_count: Mapped[int] = mapped_column(Integer)
