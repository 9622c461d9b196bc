"""Consumed classification events → the incident each complaint opened (its level and status)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import service
from shared.events import Envelope
from shared.events.classification import IncidentClassifiedV1, IncidentClosedV1, IncidentEscalatedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on(IncidentClassifiedV1)
@subscriptions.on(IncidentEscalatedV1)
@subscriptions.on(IncidentClosedV1)
async def on_incident(
    session: AsyncSession, envelope: Envelope, incident: IncidentClassifiedV1 | IncidentEscalatedV1 | IncidentClosedV1
) -> None:
    await service.record_incident(session, incident, envelope.time)
