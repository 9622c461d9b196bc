"""Incident decisions and their events (never commits)."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository
from services.classification.incidents.models import Incident
from services.classification.incidents.schemas import IncidentOut
from shared.events.classification import IncidentClassifiedV1
from shared.events.intake import ComplaintReceivedV1
from shared.outbox import add_event

DEFAULT_RULE_VERSION = 1


async def open_for_complaint(session: AsyncSession, complaint: ComplaintReceivedV1) -> Incident:
    """CLS-1: a complaint is a quality event; with no threshold crossed it is a general incident."""
    product = complaint.product
    incident = Incident(
        id=uuid.uuid4(),
        level="general",
        status="open",
        origin="complaint",
        reasons=[],
        rule_version=DEFAULT_RULE_VERSION,
        model=product.model if product else None,
        production_date=product.production_date if product else None,
        description=complaint.description,
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )
    await repository.add(session, incident, [(complaint.complaint_id, "complaint")])
    await add_event(session, classified_event(incident, [complaint.complaint_id]))
    return incident


def classified_event(incident: Incident, source_ids: list[str]) -> IncidentClassifiedV1:
    return IncidentClassifiedV1(
        incident_id=str(incident.id),
        level=incident.level,
        status=incident.status,
        reasons=incident.reasons,
        source_ids=source_ids,
        rule_version=incident.rule_version,
        model=incident.model,
        production_date=incident.production_date,
        shipped_batch_no=incident.shipped_batch_no,
        classified_at=incident.updated_at,
    )


def to_out(incident: Incident, source_ids: list[str]) -> IncidentOut:
    return IncidentOut.model_validate(
        {**{c.key: getattr(incident, c.key) for c in Incident.__table__.columns}, "source_ids": source_ids}
    )
