import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    event,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from services.classification.models import Base
from shared.search import text_grams


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_search_grams", "search_grams", postgresql_using="gin"),)

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    level: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(30))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    rule_version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str | None] = mapped_column(String(200))
    production_date: Mapped[date | None] = mapped_column(Date)
    shipped_batch_no: Mapped[str | None] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    problem_level: Mapped[str | None] = mapped_column(String(20))
    cause_category: Mapped[str | None] = mapped_column(String(20))
    responsible_department: Mapped[str | None] = mapped_column(String(200))
    responsible_head: Mapped[str | None] = mapped_column(String(200))
    rate_missing: Mapped[bool] = mapped_column(Boolean, default=False)
    level_set_manually: Mapped[bool] = mapped_column(Boolean, default=False)
    report_kind: Mapped[str | None] = mapped_column(String(30))
    production_line: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int | None] = mapped_column(Integer)
    loss_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    personal_injury: Mapped[bool] = mapped_column(Boolean, default=False)
    reputation_damage: Mapped[bool] = mapped_column(Boolean, default=False)
    customer_id: Mapped[str | None] = mapped_column(String(200))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_triggers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closing_summary: Mapped[str | None] = mapped_column(Text)
    # CON search (shared/search.py): the grams of the model, description and shipped batch.
    search_grams: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def incident_grams(incident: Incident) -> list[str]:
    return text_grams(incident.model, incident.description, incident.shipped_batch_no)


@event.listens_for(Incident, "before_insert")
@event.listens_for(Incident, "before_update")
def _keep_search_grams(_mapper: Mapper[Incident], _connection: Any, incident: Incident) -> None:
    """Incidents are opened and amended from several domains (reports, complaints, returns); the
    grams follow every write of the texts they index, whichever path made it."""
    incident.search_grams = incident_grams(incident)


class IncidentSource(Base):
    """What an incident came from: complaints, shop-floor reports, return lines (``source_ids``)."""

    __tablename__ = "incident_sources"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    source_kind: Mapped[str] = mapped_column(String(30))


class IncidentKey(Base):
    """CLS-2: the unique key that makes "exactly one incident" hold under concurrency."""

    __tablename__ = "incident_keys"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    # What the key aggregates: the return lines matching it are the incident's sources.
    model: Mapped[str | None] = mapped_column(String(200))
    production_date: Mapped[date | None] = mapped_column(Date)
    shipped_batch_no: Mapped[str | None] = mapped_column(String(200))


class IncidentHistory(Base):
    """CLS-3: every change of an incident (who, when, what), reclassifications with their reason."""

    __tablename__ = "incident_history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FinishedComplaint(Base):
    """A complaint closed or rejected in intake (CMP-4): as a source it no longer keeps an incident open."""

    __tablename__ = "finished_complaints"

    complaint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
