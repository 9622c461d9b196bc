import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_search_grams", "search_grams", postgresql_using="gin"),
        Index("ix_complaints_personal_grams", "personal_grams", postgresql_using="gin"),
        Index("ix_complaints_closed", "closed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    complaint_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    service_aspect: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[str | None] = mapped_column(String(200))
    complainant: Mapped[dict[str, Any]] = mapped_column(JSONB)
    product_model: Mapped[str | None] = mapped_column(String(200))
    product_name: Mapped[str | None] = mapped_column(String(200))
    product_quantity: Mapped[int | None] = mapped_column(Integer)
    batch_no: Mapped[str | None] = mapped_column(String(200), index=True)
    production_date: Mapped[date | None] = mapped_column(Date)
    purchase_place: Mapped[str | None] = mapped_column(String(200))
    circumstances: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    investigate_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reply_by: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    calendar_estimated: Mapped[bool]
    recorded_by: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200))
    escalated_to_decision_level: Mapped[bool] = mapped_column(default=False)
    severity_reason: Mapped[str | None] = mapped_column(String(100))
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    return_visit: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    investigation_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # CMP-5: recall and crisis handling as the decision level decided them, with who and when.
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The customer as intake's event-fed copy knew it at receipt (None: no customer named).
    customer_tier: Mapped[str | None] = mapped_column(String(20))
    customer_known: Mapped[bool | None]
    # The incident this complaint opened on classification, as classification's events tell.
    incident_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    incident_level: Mapped[str | None] = mapped_column(String(20))
    incident_problem_level: Mapped[str | None] = mapped_column(String(20))
    incident_status: Mapped[str | None] = mapped_column(String(20))
    incident_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SPEC §12 search (shared/search.py): the grams of the number, product model and description, and
    # apart from them those of the complainant's name and phone, which only some readers may search.
    search_grams: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    personal_grams: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ComplaintHistory(Base):
    """CMP-8: every change of a complaint, who and when."""

    __tablename__ = "complaint_history"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)


class ComplaintNumber(Base):
    """Per-day counter behind ``TS-YYYYMMDD-NNNN``; the upsert makes numbers unique under concurrency."""

    __tablename__ = "complaint_numbers"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
