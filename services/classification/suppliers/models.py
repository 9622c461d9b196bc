import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base


class SupplierIssue(Base):
    """CLS-6: the supplier material side of an incident (供应商来料异常)."""

    __tablename__ = "supplier_issues"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    supplier: Mapped[str] = mapped_column(String(200), index=True)
    defect_class: Mapped[str | None] = mapped_column(String(1))
    defect_type: Mapped[str | None] = mapped_column(String(20))
    disposition: Mapped[str | None] = mapped_column(String(20))
    concession_kind: Mapped[str | None] = mapped_column(String(30))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class SupplierDeduction(Base):
    """CLS-6 §9.1: hours of extra work under a concession, charged at 20 CNY/hour to the supplier."""

    __tablename__ = "supplier_deductions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    supplier: Mapped[str] = mapped_column(String(200))
    concession_kind: Mapped[str] = mapped_column(String(30))
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    rate_per_hour: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
