"""Consumed incident events → notice drafts (SAN-6)."""

from services.sanctions.notices import service
from shared.events.classification import IncidentClassifiedV1, IncidentEscalatedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply(service.draft_for_incident, IncidentClassifiedV1, IncidentEscalatedV1)
