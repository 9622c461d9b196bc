"""Attachments on incidents (ATT-1…4): 归零 evidence and emergency-step records, kept in the history."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.attachments.models import Attachment
from services.classification.incidents import repository as incidents
from services.classification.incidents import service as incidents_service
from shared.attachments import Accepted, get_record, history_detail, insert_record, records_of, replaceable
from shared.auth import Principal
from shared.http.problems import not_found, unprocessable

INCIDENT = "incident"


async def attach(session: AsyncSession, incident_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """The metadata and the incident's history entry in one transaction; an open incident only (a
    closed one takes no more decisions). A replaced attachment is kept, marked as replaced."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    owner_id = str(incident.id)
    previous = None
    if accepted.replaces is not None:
        previous = await replaceable(session, Attachment, INCIDENT, owner_id, accepted.replaces)
    attachment = await insert_record(
        session,
        Attachment,
        {
            **accepted.columns,
            "owner_id": owner_id,
            "uploaded_by": actor.sub,
            "uploaded_by_name": actor.name or None,
            "replaces": accepted.replaces,
        },
    )
    if previous is not None:
        previous.replaced_by = attachment.id
    action = "attachment_replaced" if previous is not None else "attachment_added"
    at = incidents_service.now()
    incident.updated_at = at
    await incidents.add_history(session, incident.id, action, actor.sub, history_detail(attachment, previous), at)
    return attachment


async def of_incident(session: AsyncSession, incident_id: uuid.UUID, include_replaced: bool) -> list[Attachment]:
    if await incidents.get(session, incident_id) is None:
        raise not_found("incident", str(incident_id))
    return await records_of(session, Attachment, INCIDENT, str(incident_id), include_replaced)


async def readable(session: AsyncSession, attachment_id: uuid.UUID) -> Attachment:
    """ATT-3: seen by exactly who sees incidents (the classification readers)."""
    attachment = await get_record(session, Attachment, attachment_id, INCIDENT)
    if attachment is None:
        raise not_found("attachment", str(attachment_id))
    return attachment


async def check_evidence(session: AsyncSession, incident_id: uuid.UUID, attachment_ids: list[uuid.UUID]) -> None:
    """CLS-8: an item's evidence may name attachments, each one of this incident's own."""
    known = {a.id for a in await records_of(session, Attachment, INCIDENT, str(incident_id), include_replaced=True)}
    strangers = [str(i) for i in attachment_ids if i not in known]
    if strangers:
        detail = f"incident {incident_id} has no attachment {', '.join(strangers)}"
        raise unprocessable("unknown_attachment", detail, attachments=strangers)


async def ensure_replaceable(session: AsyncSession, owner_id: uuid.UUID, replaces: uuid.UUID) -> None:
    await replaceable(session, Attachment, INCIDENT, str(owner_id), replaces)
