"""Consumed classification events → the incident each complaint opened (its level and status)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import service
from shared.events import Envelope
from shared.events.classification import IncidentClassifiedV1, IncidentClosedV1, IncidentEscalatedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on_batch(IncidentClassifiedV1)
@subscriptions.on_batch(IncidentEscalatedV1)
@subscriptions.on_batch(IncidentClosedV1)
async def on_incidents(session: AsyncSession, batch: list[tuple[Envelope, service.IncidentEvent]]) -> None:
    await service.record_incidents(session, [(incident, envelope.time) for envelope, incident in batch])
