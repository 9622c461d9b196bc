"""Attachments on incidents (ATT-1…4): 归零 evidence and emergency-step records, and on their supplier
issues (the 《供应商异常矫正单》), kept in the incident's history."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.attachments.models import Attachment
from services.classification.incidents import repository as incidents
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.roles import READERS
from services.classification.suppliers import service as suppliers_service
from shared.attachments import Accepted, add_record, history_detail, readable_record, records_of, seen_by_roles
from shared.auth import Principal
from shared.clock import now
from shared.errors import unprocessable

INCIDENT = "incident"
SUPPLIER_ISSUE = "supplier_issue"
SEES = {INCIDENT: seen_by_roles(READERS), SUPPLIER_ISSUE: seen_by_roles(READERS)}


async def attach(session: AsyncSession, incident_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """The metadata and the incident's history entry in one transaction; an open incident only (a
    closed one takes no more decisions). A replaced attachment is kept, marked as replaced."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    return await _attach_in_history(session, incident, accepted, actor, "attachment")


async def supplier_issue_to_attach_to(session: AsyncSession, incident_id: uuid.UUID) -> Incident:
    """The 《供应商异常矫正单》 of an open incident that has a supplier-material issue."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    await suppliers_service.issue_or_404(session, incident_id)
    return incident


async def attach_to_supplier_issue(
    session: AsyncSession, incident_id: uuid.UUID, accepted: Accepted, actor: Principal
) -> Attachment:
    """The supplier's corrective sheet or the photo of its material, kept in the incident's history as
    the supplier issue's own (the issue has no history of its own)."""
    incident = await supplier_issue_to_attach_to(session, incident_id)
    return await _attach_in_history(session, incident, accepted, actor, "supplier_attachment")


async def _attach_in_history(
    session: AsyncSession, incident: Incident, accepted: Accepted, actor: Principal, entry: str
) -> Attachment:
    attachment, previous = await add_record(session, Attachment, str(incident.id), accepted, actor)
    action = f"{entry}_replaced" if previous is not None else f"{entry}_added"
    at = now()
    incident.updated_at = at
    await incidents.add_history(session, incident.id, action, actor.sub, history_detail(attachment, previous), at)
    return attachment


async def readable(session: AsyncSession, attachment_id: uuid.UUID, reader: Principal) -> Attachment:
    """ATT-3: seen by exactly who sees incidents and their supplier issues (the classification readers)."""
    return await readable_record(session, Attachment, attachment_id, reader, SEES)


async def check_evidence(session: AsyncSession, incident_id: uuid.UUID, attachment_ids: list[uuid.UUID]) -> None:
    """CLS-8: an item's evidence may name attachments, each one of this incident's own."""
    known = {a.id for a in await records_of(session, Attachment, INCIDENT, str(incident_id), include_replaced=True)}
    strangers = [str(i) for i in attachment_ids if i not in known]
    if strangers:
        detail = f"incident {incident_id} has no attachment {', '.join(strangers)}"
        raise unprocessable("unknown_attachment", detail, attachments=strangers)
