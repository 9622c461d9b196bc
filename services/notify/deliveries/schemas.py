import uuid

from pydantic import BaseModel

from shared.schemas import ChinaTime


class DeliveryOut(BaseModel):
    id: int
    notification_id: uuid.UUID
    channel: str
    target: str | None
    status: str
    attempts: int
    next_attempt_at: ChinaTime
    last_error: str | None
    created_at: ChinaTime
    sent_at: ChinaTime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None
