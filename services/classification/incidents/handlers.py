"""Consumed events → incident service."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import service
from services.classification.returns import service as returns_service
from shared.events import Envelope
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1, IncidentReportFiledV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply(service.open_for_report, IncidentReportFiledV1)
subscriptions.apply(service.close_for_finished_complaint, ComplaintStatusChangedV1)


@subscriptions.on_batch(ComplaintReceivedV1)
async def on_complaints_received(session: AsyncSession, items: list[tuple[Envelope, ComplaintReceivedV1]]) -> None:
    complaints = [complaint for _, complaint in items]
    await service.open_for_complaints(session, complaints)
    # CLS-2 (rev. 2026-12): the pieces complained about count in the returns sums too.
    await returns_service.count_complaints(session, complaints)
