from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.sanctions.models import Base


class SupplierDeduction(Base):
    """SAN-7: a concession deduction (CLS-6) recorded against its supplier, counted in its China-time month."""

    __tablename__ = "supplier_deductions"

    deduction_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    incident_id: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    concession_kind: Mapped[str] = mapped_column(String(50))
    hours: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    rate_per_hour: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    month: Mapped[str] = mapped_column(String(7))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
