"""Events → notifications and timers (NTF-1): complaints (intake), incidents (classification), notices
and their disputes (sanctions), visit plans and visits (crm). Each runs in the consumer's transaction
with its inbox."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications import rules, service
from services.notify.timers import service as timers
from shared.calendar_store import load_calendar
from shared.events import Envelope
from shared.events.classification import IncidentClassifiedV1, IncidentEscalatedV1
from shared.events.crm import VisitPlannedV1, VisitReassignedV1, VisitRecordedV1
from shared.events.intake import (
    ComplaintDecisionRecordedV1,
    ComplaintReceivedV1,
    ComplaintSeverityChangedV1,
    ComplaintStatusChangedV1,
)
from shared.events.sanctions import NoticeDisputeDecidedV1, NoticeDisputedV1, NoticeIssuedV1
from shared.messaging.subscriptions import Subscriptions

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


@subscriptions.on(ComplaintSeverityChangedV1)
async def on_complaint_severity_changed(session: AsyncSession, _: Envelope, change: ComplaintSeverityChangedV1) -> None:
    if not rules.raised_to_decision_level(change.escalated_before, change.escalated_to_decision_level):
        return
    params = {"complaint_no": change.complaint_no, "reason": change.reason[:DESCRIPTION_SHOWN]}
    await service.tell(session, rules.COMPLAINT_ESCALATED, change.complaint_id, "escalated", params)


@subscriptions.on(ComplaintDecisionRecordedV1)
async def on_complaint_decision_recorded(
    session: AsyncSession, _: Envelope, decision: ComplaintDecisionRecordedV1
) -> None:
    params = {
        "complaint_no": decision.complaint_no,
        "decision_words": rules.decision_words(decision.recall, decision.crisis_handling),
        "decided_by": decision.decided_by_name or decision.decided_by,
        "reason": decision.reason[:DESCRIPTION_SHOWN],
    }
    await service.tell(session, rules.COMPLAINT_DECIDED, decision.complaint_id, "decided", params)


@subscriptions.on(IncidentClassifiedV1)
@subscriptions.on(IncidentEscalatedV1)
async def on_incident(session: AsyncSession, _: Envelope, incident: IncidentClassifiedV1 | IncidentEscalatedV1) -> None:
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


def _notice_step_params(step: NoticeDisputedV1 | NoticeDisputeDecidedV1) -> dict[str, Any]:
    return {
        "employee": step.employee_id,
        "employee_name": step.employee_name or step.employee_id or step.department or "",
        "notice_id": step.notice_id,
        "clause": step.clause,
        "kind_name": rules.KIND_NAMES.get(step.kind, step.kind),
        "amount": f"{step.amount:.2f}",
    }


@subscriptions.on(NoticeDisputedV1)
async def on_notice_disputed(session: AsyncSession, _: Envelope, dispute: NoticeDisputedV1) -> None:
    params = {**_notice_step_params(dispute), "reason": dispute.reason[:DESCRIPTION_SHOWN]}
    # SAN-4 (rev. 2026-12): a decided dispute cannot be reopened, so a notice is disputed once.
    await service.tell(session, rules.NOTICE_DISPUTED, dispute.notice_id, "disputed", params)


@subscriptions.on(NoticeDisputeDecidedV1)
async def on_notice_dispute_decided(session: AsyncSession, _: Envelope, decided: NoticeDisputeDecidedV1) -> None:
    params = {
        **_notice_step_params(decided),
        "outcome_name": rules.OUTCOME_NAMES.get(decided.outcome, decided.outcome),
        "note": f"说明：{decided.note}" if decided.note else "",
    }
    await service.tell(session, rules.DISPUTE_DECIDED, decided.notice_id, "dispute_decided", params)


@subscriptions.on(VisitPlannedV1)
async def on_visit_planned(session: AsyncSession, _: Envelope, plan: VisitPlannedV1) -> None:
    params = {
        "customer_id": plan.customer_id,
        "customer_name": plan.customer_name or plan.customer_id,
        "month": plan.month,
        "visitor": plan.visitor_id,
    }
    await timers.plan_visit(session, plan.plan_id, params, plan.due_on, await load_calendar(session))


@subscriptions.on(VisitReassignedV1)
async def on_visit_reassigned(session: AsyncSession, _: Envelope, change: VisitReassignedV1) -> None:
    await timers.visit_reassigned(session, change.plan_id, change.visitor_id)


@subscriptions.on(VisitRecordedV1)
async def on_visit_recorded(session: AsyncSession, _: Envelope, visit: VisitRecordedV1) -> None:
    if visit.plan_id is not None:
        await timers.visit_recorded(session, visit.plan_id)
