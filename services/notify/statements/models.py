from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from services.notify.models import Base


class StatementSteps(Base):
    """Notify's copy of one CRM-6 fee statement's sign-off state, kept from crm's events: which of its
    steps still wait to be signed."""

    __tablename__ = "fee_statements"

    statement_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    sales_rep: Mapped[str] = mapped_column(String(200))
    pending_steps: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
