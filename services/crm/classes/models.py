from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.crm.models import Base


class ScoringTableVersion(Base):
    """CRM-4: every scoring table ever set; the highest version is in force."""

    __tablename__ = "class_scoring_tables"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    table: Mapped[dict[str, Any]] = mapped_column(JSONB)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
