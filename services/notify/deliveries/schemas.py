import uuid
from datetime import datetime

from pydantic import BaseModel


class DeliveryOut(BaseModel):
    id: int
    notification_id: uuid.UUID
    channel: str
    target: str | None
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None
