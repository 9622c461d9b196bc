import uuid

from pydantic import Field

from shared.schemas import ChinaTime, ListQuery, Out, Page


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


class InboxQuery(ListQuery):
    """The caller's inbox, 200 at most a page."""

    unread: bool = Field(False, description="only the unread ones")
    limit: int = Field(50, ge=1, le=200)
