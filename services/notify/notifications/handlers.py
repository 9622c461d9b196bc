"""Events → notifications and timers (NTF-1): complaints (intake), incidents (classification), notices
(sanctions). Each runs in the consumer's transaction with its inbox."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications import rules, service
from services.notify.timers import service as timers
from shared.consumer import Subscriptions
from shared.events import Envelope
from shared.events.classification import IncidentClassifiedV1, IncidentEscalatedV1
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1
from shared.events.sanctions import NoticeIssuedV1

subscriptions = Subscriptions()

DESCRIPTION_SHOWN = 200


def _complaint_params(complaint: ComplaintReceivedV1) -> dict[str, Any]:
    return {
        "complaint_no": complaint.complaint_no,
        "description": complaint.description[:DESCRIPTION_SHOWN],
        # CMP-7: the one who recorded it owns it until an explicit hand-over.
        "owner": complaint.owner or complaint.recorded_by,
    }


@subscriptions.on(ComplaintReceivedV1)
async def on_complaint_received(session: AsyncSession, _: Envelope, complaint: ComplaintReceivedV1) -> None:
    params = _complaint_params(complaint)
    if complaint.escalated_to_decision_level or complaint.severity == "serious":
        await service.tell(session, rules.COMPLAINT_SERIOUS, complaint.complaint_id, "received", params)
    await timers.plan_complaint(session, complaint.complaint_id, params, complaint.investigate_by, complaint.reply_by)


@subscriptions.on(ComplaintStatusChangedV1)
async def on_complaint_status_changed(session: AsyncSession, _: Envelope, change: ComplaintStatusChangedV1) -> None:
    await timers.step_done(session, change.complaint_id, change.to_status)


async def _incident(session: AsyncSession, incident: IncidentClassifiedV1 | IncidentEscalatedV1) -> None:
    params = {
        "incident_id": incident.incident_id,
        "level_name": rules.LEVEL_NAMES.get(incident.level, incident.level),
        "model": incident.model or "",
        "department": incident.responsible_department,
        "description": (incident.description or "")[:DESCRIPTION_SHOWN],
    }
    if rules.incident_needs_telling(incident.level):
        await service.tell(session, rules.INCIDENT_SERIOUS, incident.incident_id, incident.level, params)
    if incident.emergency:
        await service.tell(session, rules.EMERGENCY_PLAN, incident.incident_id, "emergency", params)


@subscriptions.on(IncidentClassifiedV1)
async def on_incident_classified(session: AsyncSession, _: Envelope, incident: IncidentClassifiedV1) -> None:
    await _incident(session, incident)


@subscriptions.on(IncidentEscalatedV1)
async def on_incident_escalated(session: AsyncSession, _: Envelope, incident: IncidentEscalatedV1) -> None:
    await _incident(session, incident)


@subscriptions.on(NoticeIssuedV1)
async def on_notice_issued(session: AsyncSession, _: Envelope, notice: NoticeIssuedV1) -> None:
    params = {
        "employee": notice.employee_id,
        "notice_id": notice.notice_id,
        "clause": notice.clause,
        "kind_name": rules.KIND_NAMES.get(notice.kind, notice.kind),
        "amount": f"{notice.amount:.2f}",
        "month": notice.month,
    }
    await service.tell(session, rules.NOTICE_ISSUED, notice.notice_id, "issued", params)
