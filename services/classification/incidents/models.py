import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    level: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(30))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    rule_version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str | None] = mapped_column(String(200), index=True)
    production_date: Mapped[date | None] = mapped_column(Date)
    shipped_batch_no: Mapped[str | None] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IncidentSource(Base):
    """What an incident came from: complaints, shop-floor reports, return lines (``source_ids``)."""

    __tablename__ = "incident_sources"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    source_kind: Mapped[str] = mapped_column(String(30))
