from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base


class CustomerTier(Base):
    """Intake's own copy of crm's customer tiers (CMP-5, CRM-7), fed by crm's events only."""

    __tablename__ = "customer_tiers"

    customer_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(500))
    tier: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
