"""Consumed return lines → aggregates, one set-based pass per fetched batch (CLS-2)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.returns import service
from shared.events import Envelope
from shared.events.intake import ReturnRecordedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on_batch(ReturnRecordedV1)
async def on_returns_recorded(session: AsyncSession, batch: list[tuple[Envelope, ReturnRecordedV1]]) -> None:
    await service.record_returns(session, [line for _, line in batch])
