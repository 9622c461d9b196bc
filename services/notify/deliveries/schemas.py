import uuid
from typing import Literal

from shared.schemas import ChinaTime, ListQuery, Out, Page


class DeliveryOut(Out):
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


class DeliveryPage(Page[DeliveryOut]):
    next_cursor: str | None  # always answered, null on the last page, as the contract has always said


class DeliveryQuery(ListQuery):
    """The filters of ``GET /v1/deliveries``."""

    status: Literal["pending", "sent", "failed"] | None = None
