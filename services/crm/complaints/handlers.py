"""Intake's complaint events → crm's copy per customer (CRM-7)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.complaints import service
from shared.events import Envelope
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on_batch(ComplaintReceivedV1)
async def on_complaints_received(session: AsyncSession, batch: list[tuple[Envelope, ComplaintReceivedV1]]) -> None:
    await service.record_received(session, [complaint for _, complaint in batch])


@subscriptions.on(ComplaintStatusChangedV1)
async def on_complaint_status_changed(session: AsyncSession, _: Envelope, change: ComplaintStatusChangedV1) -> None:
    await service.record_status(session, change)
