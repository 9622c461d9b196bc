import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base


class IncidentReport(Base):
    """REP-1: a shop-floor report (scrap, rework, nonconformity, supplier material, injury, reputation)."""

    __tablename__ = "incident_reports"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(30))
    model: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    production_line: Mapped[str | None] = mapped_column(String(200))
    shift: Mapped[str | None] = mapped_column(String(200))
    loss_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    personal_injury: Mapped[bool]
    reputation_impact: Mapped[bool]
    cause_category: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    supplier: Mapped[str | None] = mapped_column(String(200))
    defect_class: Mapped[str | None] = mapped_column(String(1))
    defect_type: Mapped[str | None] = mapped_column(String(20))
    filed_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
