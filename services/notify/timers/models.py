from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.notify.models import Base


class Timer(Base):
    """A durable timer (NTF-3): at ``due_at`` the rule's recipients hear of ``subject``, unless cancelled."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("rule", "subject", "occasion", name="uq_timers_occasion"),
        Index("ix_timers_due", "due_at", postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    occasion: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20), server_default="pending")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
