import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, column_property, mapped_column

from services.notify.models import Base


class Notification(Base):
    """One message to one person in the in-app inbox; its unique key makes NTF-3 hold under redelivery."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("rule", "subject", "recipient", "occasion", name="uq_notifications_occasion"),
        Index("ix_notifications_inbox", "recipient", "read_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    rule: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(100))
    occasion: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The moment of the insert itself, not of its transaction: a consumer batch makes many, in order.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.clock_timestamp())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The inbox lists the unread first: the leading column of its keyset.
    unread: Mapped[bool] = column_property(read_at.is_(None))
