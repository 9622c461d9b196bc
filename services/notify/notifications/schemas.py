import uuid

from shared.schemas import ChinaTime, Out, Page


class NotificationOut(Out):
    id: uuid.UUID
    rule: str
    subject: str
    occasion: str
    title: str
    body: str
    created_at: ChinaTime
    read_at: ChinaTime | None


class NotificationPage(Page[NotificationOut]):
    unread: int
    next_cursor: str | None  # always answered, null on the last page, as the contract has always said
