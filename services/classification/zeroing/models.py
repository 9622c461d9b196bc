import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base


class EmergencyStep(Base):
    """CLS-7: one step of the emergency plan, who did it and when."""

    __tablename__ = "emergency_steps"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_by: Mapped[str] = mapped_column(String(200))
    done_by_name: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)


class ZeroingItem(Base):
    """CLS-8: one 归零 item (technical, management or 四不放过) with its evidence."""

    __tablename__ = "zeroing_items"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    evidence: Mapped[str] = mapped_column(Text)
    documents: Mapped[list[str]] = mapped_column(JSONB, default=list)
    attachments: Mapped[list[str]] = mapped_column(JSONB, default=list)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
