"""Consumed events → incident service."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import service
from services.classification.returns import service as returns_service
from shared.events import Envelope
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1, IncidentReportFiledV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on_batch(ComplaintReceivedV1)
async def on_complaints_received(session: AsyncSession, items: list[tuple[Envelope, ComplaintReceivedV1]]) -> None:
    complaints = [complaint for _, complaint in items]
    await service.open_for_complaints(session, complaints)
    # CLS-2 (rev. 2026-12): the pieces complained about count in the returns sums too.
    await returns_service.count_complaints(session, complaints)


@subscriptions.on(IncidentReportFiledV1)
async def on_incident_report_filed(session: AsyncSession, _: Envelope, report: IncidentReportFiledV1) -> None:
    await service.open_for_report(session, report)


@subscriptions.on(ComplaintStatusChangedV1)
async def on_complaint_status_changed(session: AsyncSession, _: Envelope, change: ComplaintStatusChangedV1) -> None:
    await service.close_for_finished_complaint(session, change)
