from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base


class ReturnLine(Base):
    """Each ERP return line once (by its ``line_id``), whatever event carried it (CLS-2, RET-2)."""

    __tablename__ = "return_lines"

    line_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    production_date: Mapped[date] = mapped_column(Date)
    batch_no: Mapped[str] = mapped_column(String(200))
    shipped_batch_no: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[str | None] = mapped_column(String(200))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    complaint_id: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
