"""Consumed events → incident service."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import service
from shared.consumer import Subscriptions
from shared.events import Envelope
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1, IncidentReportFiledV1

subscriptions = Subscriptions()


@subscriptions.on_batch(ComplaintReceivedV1)
async def on_complaints_received(session: AsyncSession, items: list[tuple[Envelope, ComplaintReceivedV1]]) -> None:
    await service.open_for_complaints(session, [complaint for _, complaint in items])


@subscriptions.on(IncidentReportFiledV1)
async def on_incident_report_filed(session: AsyncSession, _: Envelope, report: IncidentReportFiledV1) -> None:
    await service.open_for_report(session, report)


@subscriptions.on(ComplaintStatusChangedV1)
async def on_complaint_status_changed(session: AsyncSession, _: Envelope, change: ComplaintStatusChangedV1) -> None:
    await service.close_for_rejected_complaint(session, change)
