import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, Numeric, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.sanctions.models import Base


class Recorded:
    """A declarative mixin: what a violation and its notice both record (the clause's case, the
    person, the act's facts), set alike on both when the violation is recorded."""

    clause: Mapped[str] = mapped_column(String(20))
    variant: Mapped[str] = mapped_column(String(50))
    employee_id: Mapped[str | None] = mapped_column(String(100))
    employee_name: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    pieces: Mapped[int | None] = mapped_column(Integer)
    shift: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    incident_id: Mapped[str | None] = mapped_column(String(200))


class Violation(Recorded, Base):
    """What was recorded (POST /v1/violations or an incident event), as it was recorded."""

    __tablename__ = "violations"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    act_id: Mapped[str | None] = mapped_column(String(200))
    requested_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    compensation: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    aggravating: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Notice(Recorded, Base):
    """奖惩通知 (SAN-4): draft → issued → stamped → summarized, or withdrawn, or superseded (SAN-3)."""

    __tablename__ = "notices"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    violation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), unique=True)
    catalog_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    act_key: Mapped[str | None] = mapped_column(String(250))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    compensation: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    dismissal: Mapped[bool] = mapped_column(Boolean)
    amount_chosen: Mapped[bool] = mapped_column(Boolean)
    aggravated: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    month: Mapped[str] = mapped_column(String(7))
    dispute_status: Mapped[str | None] = mapped_column(String(20))
    issued_by: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NoticeStep(Base):
    """Every step of a notice, with who and when (SAN-4)."""

    __tablename__ = "notice_steps"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    notice_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB)


class IncidentDraft(Base):
    """SAN-6: one 5.2.1.13 draft per incident, however often its events arrive."""

    __tablename__ = "incident_drafts"

    incident_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    clause: Mapped[str] = mapped_column(String(20), primary_key=True)
    notice_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
