from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, func
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


class ReturnsByModelDate(Base):
    __tablename__ = "returns_by_model_date"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    production_date: Mapped[date] = mapped_column(Date, primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReturnsByShippedBatch(Base):
    __tablename__ = "returns_by_shipped_batch"

    shipped_batch_no: Mapped[str] = mapped_column(String(200), primary_key=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ComplaintCount(Base):
    """CLS-2 (rev. 2026-12): the pieces one complaint stands for in one (model, production date) sum —
    what the complaint said (``complained``) and what return lines settling it brought (``returned``).
    The sum holds max(complained, returned): the same pieces are never counted twice."""

    __tablename__ = "complaint_counts"

    complaint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    production_date: Mapped[date] = mapped_column(Date, primary_key=True)
    complained: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
