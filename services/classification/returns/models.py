from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from services.classification.models import Base
from shared.tables import ReturnLineColumns


class ReturnLine(ReturnLineColumns, Base):
    """Each ERP return line once (by its ``line_id``), whatever event carried it (CLS-2, RET-2)."""

    __tablename__ = "return_lines"

    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    complaint_id: Mapped[str | None] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
