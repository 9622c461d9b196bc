import uuid

from pydantic import BaseModel

from shared.schemas import ChinaTime


class NotificationOut(BaseModel):
    id: uuid.UUID
    rule: str
    subject: str
    occasion: str
    title: str
    body: str
    created_at: ChinaTime
    read_at: ChinaTime | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    unread: int
    next_cursor: str | None
