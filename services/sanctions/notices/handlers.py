"""Consumed incident events → notice drafts (SAN-6)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.notices import service
from shared.events import Envelope
from shared.events.classification import IncidentClassifiedV1, IncidentEscalatedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on(IncidentClassifiedV1)
async def on_incident_classified(session: AsyncSession, _: Envelope, incident: IncidentClassifiedV1) -> None:
    await service.draft_for_incident(session, incident)


@subscriptions.on(IncidentEscalatedV1)
async def on_incident_escalated(session: AsyncSession, _: Envelope, incident: IncidentEscalatedV1) -> None:
    await service.draft_for_incident(session, incident)
