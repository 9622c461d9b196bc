"""Consumed concession deductions → supplier totals (SAN-7)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.deductions import service
from shared.events import Envelope
from shared.events.classification import SupplierDeductionRecordedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on_batch(SupplierDeductionRecordedV1)
async def on_deductions(session: AsyncSession, batch: list[tuple[Envelope, SupplierDeductionRecordedV1]]) -> None:
    await service.record(session, [data for _, data in batch])
