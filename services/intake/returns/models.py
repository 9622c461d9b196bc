import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base
from shared.tables import ReturnLineColumns


class ReturnLine(ReturnLineColumns, Base):
    """RET-1: one after-sales return line pushed by the ERP; ``line_id`` is the ERP's own id (RET-2)."""

    __tablename__ = "return_lines"

    reason: Mapped[str | None] = mapped_column(Text)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    pushed_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
