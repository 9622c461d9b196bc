import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base


class ReturnLine(Base):
    """RET-1: one after-sales return line pushed by the ERP; ``line_id`` is the ERP's own id (RET-2)."""

    __tablename__ = "return_lines"

    line_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    production_date: Mapped[date] = mapped_column(Date)
    batch_no: Mapped[str] = mapped_column(String(200))
    shipped_batch_no: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    pushed_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
