"""Complaint decisions and their events (never commits: the route's transaction does)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import repository
from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import (
    Action,
    IncidentLink,
    comparison_window,
    complaint_number,
    complaints_shown,
    decide_severity,
    decision_refused,
    may_act,
    newest_links,
    next_status,
    personal_grams,
    searchable_grams,
    set_severity,
    sla_deadlines,
)
from services.intake.complaints.schemas import (
    CloseIn,
    Comparison,
    ComplaintIn,
    ComplaintStatus,
    ComplaintSummary,
    DecisionIn,
    EscalateIn,
    HandoverIn,
    InvestigateIn,
    RejectIn,
    ReplyIn,
    ReturnVisitIn,
    SeverityIn,
)
from shared import clock
from shared.auth import Principal
from shared.errors import Problem, conflict, found, unprocessable
from shared.events.classification import IncidentClassifiedV1, IncidentClosedV1, IncidentEscalatedV1
from shared.events.intake import (
    ComplaintDecisionRecordedV1,
    ComplaintProduct,
    ComplaintReceivedV1,
    ComplaintSeverityChangedV1,
    ComplaintStatusChangedV1,
)
from shared.messaging.outbox import add_event
from shared.schemas import in_china_time
from shared.workcalendar import CHINA, WorkingCalendar

IncidentEvent = IncidentClassifiedV1 | IncidentEscalatedV1 | IncidentClosedV1

COMPARED_LIMIT = 100


@dataclass(frozen=True)
class Ticket:
    """What a complaint needs before its transaction: its number and its customer's tier."""

    number: str
    customer_tier: str | None


async def take_ticket(session: AsyncSession, payload: ComplaintIn) -> Ticket:
    """CMP-2: the next 备案编号 of the day of receipt (China time). Reserved on its own, outside the
    complaint's transaction, so the day's counter is locked for one statement, not for a whole
    complaint; a rolled-back complaint leaves a gap, never a duplicate. CMP-5: the customer's tier as
    intake knows it comes back in the same round trip."""
    received_on = payload.received_at.astimezone(CHINA).date()
    sequence, tier = await repository.reserve_number(session, received_on, payload.customer_id)
    return Ticket(complaint_number(received_on, sequence), tier)


async def receive_complaint(
    session: AsyncSession, payload: ComplaintIn, ticket: Ticket, recorder: Principal, calendar: WorkingCalendar
) -> Complaint:
    """CMP-2/CMP-3/CMP-5/CMP-7: records the complaint with its SLA deadlines and severity; the
    recorder owns it."""
    deadlines = sla_deadlines(payload.received_at, calendar)
    severity = decide_severity(payload.severity.value, ticket.customer_tier)
    product = payload.product
    now = clock.now()
    complaint = Complaint(
        id=uuid.uuid4(),
        complaint_no=ticket.number,
        kind=payload.kind.value,
        service_aspect=payload.service_aspect.value if payload.service_aspect else None,
        severity=severity.severity,
        severity_reason=severity.reason,
        escalated_to_decision_level=severity.escalated_to_decision_level,
        channel=payload.channel.value,
        status=ComplaintStatus.RECEIVED.value,
        customer_id=payload.customer_id,
        customer_tier=ticket.customer_tier,
        customer_known=None if payload.customer_id is None else ticket.customer_tier is not None,
        complainant=payload.complainant.model_dump(mode="json"),
        product_model=product.model if product else None,
        product_name=product.name if product else None,
        product_quantity=product.quantity if product else None,
        batch_no=product.batch_no if product else None,
        production_date=product.production_date if product else None,
        purchase_place=product.purchase_place if product else None,
        circumstances=payload.circumstances,
        description=payload.description,
        received_at=payload.received_at,
        investigate_by=deadlines.investigate_by,
        reply_by=deadlines.reply_by,
        calendar_estimated=deadlines.calendar_estimated,
        recorded_by=recorder.sub,
        owner=recorder.sub,
        created_at=now,
        updated_at=now,
    )
    complaint.search_grams = searchable_grams(complaint.complaint_no, complaint.product_model, complaint.description)
    complaint.personal_grams = personal_grams(complaint.complainant)
    history = {
        "actor": recorder.sub,
        "actor_name": recorder.name or None,
        "action": "received",
        "at": now,
        "changes": {
            "status": complaint.status,
            "owner": complaint.owner,
            "severity": complaint.severity,
            "severity_reason": complaint.severity_reason,
            "escalated_to_decision_level": complaint.escalated_to_decision_level,
        },
    }
    await repository.insert_received(session, complaint, history, received_event(complaint))
    return complaint


async def act(
    session: AsyncSession, complaint_id: uuid.UUID, action: Action, body: BaseModel, actor: Principal
) -> Complaint:
    """CMP-4/CMP-7: one step of the lifecycle, kept in the history (CMP-8), announced when the
    status changes."""
    complaint = found(await repository.get_for_update(session, complaint_id), "complaint", complaint_id)
    if not may_act(action, actor.sub, actor.roles, complaint.owner, complaint.severity):
        raise _not_permitted(action, complaint)
    target = next_status(complaint.status, action)
    now = clock.now()
    previous = complaint.status
    severity_before = (complaint.severity, complaint.escalated_to_decision_level)
    changes = _apply(complaint, action, body, actor, now)
    if target != previous:
        complaint.status = target
        changes["status"] = [previous, target]
    complaint.updated_at = now
    await session.flush()
    await repository.add_history(session, complaint.id, actor.sub, action.value, changes, actor.name)
    if target != previous:
        await add_event(session, status_changed_event(complaint, previous, action, actor, now))
    if action is Action.DECISION:
        await add_event(session, decision_event(complaint))
    if action in (Action.ESCALATE, Action.SEVERITY):
        await add_event(session, severity_changed_event(complaint, severity_before, action, body, actor, now))
    return complaint


def _not_permitted(action: Action, complaint: Complaint) -> Problem:
    if action is Action.REPLY:
        return Problem(
            403,
            "quality_head_signature_required",
            "Forbidden",
            "a reply is signed by the quality-department head; a serious complaint's also by the company head",
        )
    if action is Action.ESCALATE:
        return Problem(403, "forbidden", "Forbidden", "the quality department escalates complaints")
    if action is Action.SEVERITY:
        return Problem(403, "forbidden", "Forbidden", "the quality manager sets a complaint's severity")
    if action is Action.DECISION:
        return Problem(403, "decision_level_only", "Forbidden", "the decision level (executive) decides")
    return Problem(
        403,
        "not_owner",
        "Forbidden",
        f"complaint {complaint.complaint_no} is owned by {complaint.owner}; the owner hands it over first (CMP-7)",
        owner=complaint.owner,
    )


def _apply(complaint: Complaint, action: Action, body: BaseModel, actor: Principal, now: datetime) -> dict[str, Any]:
    """Writes the step's own facts on the complaint; returns what changed, for the history."""
    if isinstance(body, InvestigateIn):
        complaint.investigation_started_at = now
        return {"note": body.note}
    if isinstance(body, ReplyIn):
        if body.signed_by is not None and body.signed_by not in (actor.sub, actor.name):
            expected = [name for name in (actor.sub, actor.name) if name]
            raise unprocessable(
                "signer_mismatch",
                f"signed_by must be the head who posts the reply, {' or '.join(expected)}; not {body.signed_by}",
                expected=expected,
                signed_by=body.signed_by,
            )
        complaint.reply = {
            "cause": body.cause,
            "resolution": body.resolution,
            "improvement": body.improvement,
            "signed_by": actor.sub,
            "signed_by_name": actor.name or None,
            "replied_at": now.isoformat(),
        }
        complaint.replied_at = now
        return {"reply": complaint.reply}
    if isinstance(body, ReturnVisitIn):
        complaint.return_visit = {
            "feedback": body.feedback,
            "satisfaction": body.satisfaction,
            "visited_by": actor.sub,
            "visited_at": now.isoformat(),
        }
        return {"return_visit": complaint.return_visit}
    if isinstance(body, CloseIn):
        complaint.closed_at = now
        return {"summary": body.summary}
    if isinstance(body, EscalateIn):
        return _escalate(complaint, body)
    if isinstance(body, SeverityIn):
        return _set_severity(complaint, body)
    if isinstance(body, DecisionIn):
        return _decide(complaint, body, actor, now)
    if isinstance(body, RejectIn):
        complaint.rejection_reason = body.reason
        complaint.closed_at = now
        return {"reason": body.reason}
    assert isinstance(body, HandoverIn)
    return _hand_over(complaint, body)


def _escalate(complaint: Complaint, body: EscalateIn) -> dict[str, Any]:
    """CMP-5: a complaint judged serious after receipt goes to the decision level too."""
    if complaint.escalated_to_decision_level:
        raise conflict("already_escalated", f"complaint {complaint.complaint_no} is already with the decision level")
    previous = complaint.severity
    complaint.severity = "serious"
    complaint.severity_reason = "escalated_by_quality_department"
    complaint.escalated_to_decision_level = True
    return {"severity": [previous, "serious"], "escalated_to_decision_level": True, "reason": body.reason}


def _set_severity(complaint: Complaint, body: SeverityIn) -> dict[str, Any]:
    """CMP-5 (rev. 2026-12): a serious complaint goes to the decision level, a general one leaves it."""
    try:
        decided = set_severity(complaint.severity, body.severity.value)
    except ValueError as same:
        raise conflict("severity_unchanged", str(same), severity=complaint.severity) from None
    before = (complaint.severity, complaint.severity_reason, complaint.escalated_to_decision_level)
    complaint.severity = decided.severity
    complaint.severity_reason = decided.reason
    complaint.escalated_to_decision_level = decided.escalated_to_decision_level
    return {
        "severity": [before[0], complaint.severity],
        "severity_reason": [before[1], complaint.severity_reason],
        "escalated_to_decision_level": [before[2], complaint.escalated_to_decision_level],
        "reason": body.reason,
    }


def _decide(complaint: Complaint, body: DecisionIn, actor: Principal, now: datetime) -> dict[str, Any]:
    """CMP-5: the decision level's decision on recall and crisis handling, with who and when."""
    refused = decision_refused(complaint.severity, complaint.decision is not None)
    if refused is not None:
        raise conflict("decision_refused", refused, severity=complaint.severity)
    complaint.decision = {
        "recall": body.recall,
        "crisis_handling": body.crisis_handling,
        "reason": body.reason,
        "decided_by": actor.sub,
        "decided_by_name": actor.name or None,
        "decided_at": now.isoformat(),
    }
    return {"decision": complaint.decision}


def _hand_over(complaint: Complaint, body: HandoverIn) -> dict[str, Any]:
    """CMP-7: an explicit hand-over to a named colleague."""
    if body.to == complaint.owner:
        raise unprocessable("same_owner", f"{body.to} already owns this complaint")
    previous, complaint.owner = complaint.owner, body.to
    return {"owner": [previous, body.to], "to_name": body.to_name, "note": body.note}


def _product_of(complaint: Complaint) -> ComplaintProduct | None:
    if not complaint.product_model:
        return None
    return ComplaintProduct(
        model=complaint.product_model,
        name=complaint.product_name,
        quantity=complaint.product_quantity,
        batch_no=complaint.batch_no,
        production_date=complaint.production_date,
        purchase_place=complaint.purchase_place,
    )


def decision_event(complaint: Complaint) -> ComplaintDecisionRecordedV1:
    decision = complaint.decision or {}
    return ComplaintDecisionRecordedV1(
        complaint_id=str(complaint.id),
        complaint_no=complaint.complaint_no,
        customer_id=complaint.customer_id,
        severity=complaint.severity,
        recall=decision["recall"],
        crisis_handling=decision["crisis_handling"],
        reason=decision["reason"],
        decided_by=decision["decided_by"],
        decided_by_name=decision["decided_by_name"],
        decided_at=datetime.fromisoformat(decision["decided_at"]),
        product=_product_of(complaint),
    )


def severity_changed_event(
    complaint: Complaint,
    before: tuple[str, bool],
    action: Action,
    body: BaseModel,
    actor: Principal,
    now: datetime,
) -> ComplaintSeverityChangedV1:
    """CMP-5: a severity step keeps the status, so it is announced on its own (notify tells the decision
    level of a complaint that newly reaches it)."""
    assert isinstance(body, EscalateIn | SeverityIn)
    previous_severity, escalated_before = before
    return ComplaintSeverityChangedV1(
        complaint_id=str(complaint.id),
        complaint_no=complaint.complaint_no,
        customer_id=complaint.customer_id,
        status=complaint.status,
        severity=complaint.severity,
        previous_severity=previous_severity,
        escalated_to_decision_level=complaint.escalated_to_decision_level,
        escalated_before=escalated_before,
        action=action.value,
        reason=body.reason,
        changed_by=actor.sub,
        changed_at=now,
    )


def received_event(complaint: Complaint) -> ComplaintReceivedV1:
    return ComplaintReceivedV1(
        complaint_id=str(complaint.id),
        complaint_no=complaint.complaint_no,
        kind=complaint.kind,
        severity=complaint.severity,
        channel=complaint.channel,
        status=complaint.status,
        customer_id=complaint.customer_id,
        service_aspect=complaint.service_aspect,
        product=_product_of(complaint),
        description=complaint.description,
        recorded_by=complaint.recorded_by,
        received_at=complaint.received_at,
        investigate_by=complaint.investigate_by,
        reply_by=complaint.reply_by,
        escalated_to_decision_level=complaint.escalated_to_decision_level,
        severity_reason=complaint.severity_reason,
        calendar_estimated=complaint.calendar_estimated,
        owner=complaint.owner,
    )


def status_changed_event(
    complaint: Complaint, previous: str, action: Action, actor: Principal, now: datetime
) -> ComplaintStatusChangedV1:
    return ComplaintStatusChangedV1(
        complaint_id=str(complaint.id),
        complaint_no=complaint.complaint_no,
        customer_id=complaint.customer_id,
        severity=complaint.severity,
        from_status=previous,
        to_status=complaint.status,
        changed_by=actor.sub,
        changed_at=now,
        reason=complaint.rejection_reason if action is Action.REJECT else None,
        action=action.value,
        kind=complaint.kind,
        escalated_to_decision_level=complaint.escalated_to_decision_level,
        satisfaction=(complaint.return_visit or {}).get("satisfaction") if action is Action.RETURN_VISIT else None,
    )


async def comparison(session: AsyncSession, complaint: Complaint) -> Comparison:
    """CMP-6 同批产品投诉对比 and 同类投诉对比: same model and batch, and same model other batches,
    within 90 days of this complaint's receipt."""
    window = comparison_window(complaint.received_at)
    if complaint.product_model is None:
        return Comparison(
            complaint_id=complaint.id,
            model=None,
            batch_no=None,
            window_from=window[0],
            window_to=window[1],
            same_batch=[],
            same_batch_count=0,
            same_batch_quantity=0,
            same_model=[],
            same_model_count=0,
        )
    same_batch = await repository.compared(session, complaint, window, True, COMPARED_LIMIT)
    same_model = await repository.compared(session, complaint, window, False, COMPARED_LIMIT)
    batch_count, batch_quantity = await repository.compared_totals(session, complaint, window, True)
    model_count, _ = await repository.compared_totals(session, complaint, window, False)
    return Comparison(
        complaint_id=complaint.id,
        model=complaint.product_model,
        batch_no=complaint.batch_no,
        window_from=window[0],
        window_to=window[1],
        same_batch=[ComplaintSummary.model_validate(c) for c in same_batch],
        same_batch_count=batch_count,
        same_batch_quantity=batch_quantity,
        same_model=[ComplaintSummary.model_validate(c) for c in same_model],
        same_model_count=model_count,
    )


async def overdue_count(session: AsyncSession) -> int:
    """CMP-3: complaints past a deadline that are still waiting for that step."""
    return await repository.count_overdue(session, clock.now())


async def recompute_deadlines(session: AsyncSession, calendar: WorkingCalendar, actor: Principal) -> int:
    """CMP-3: after a year's holidays are loaded, the complaints still waiting for a reply get the
    deadlines of the real calendar instead of the Monday–Friday estimate; each change is kept (CMP-8)."""
    changed = 0
    for complaint in await repository.awaiting_deadlines(session):
        deadlines = sla_deadlines(complaint.received_at, calendar)
        before = (complaint.investigate_by, complaint.reply_by, complaint.calendar_estimated)
        after = (deadlines.investigate_by, deadlines.reply_by, deadlines.calendar_estimated)
        if before == after:
            continue
        complaint.investigate_by, complaint.reply_by, complaint.calendar_estimated = after
        complaint.updated_at = clock.now()
        await repository.add_history(
            session,
            complaint.id,
            actor.sub,
            "deadlines_recomputed",
            {
                # CMP-8: people read China time; the stored deadline comes back from Postgres in UTC.
                "investigate_by": [in_china_time(before[0]).isoformat(), in_china_time(after[0]).isoformat()],
                "reply_by": [in_china_time(before[1]).isoformat(), in_china_time(after[1]).isoformat()],
                "calendar_estimated": [before[2], after[2]],
            },
            actor.name,
        )
        changed += 1
    return changed


async def record_incidents(session: AsyncSession, events: list[tuple[IncidentEvent, datetime]]) -> None:
    """A fetched batch of incident events, each with its time: the complaint keeps the id, level,
    problem level and status of the incident it opened; an older event arriving late never
    overwrites a newer one. One statement for the batch, whatever its size."""
    links = newest_links(
        IncidentLink(complaint_id, uuid.UUID(event.incident_id), event.level, event.problem_level, event.status, at)
        for event, at in events
        for complaint_id in complaints_shown(event.origin, event.source_ids)
    )
    if links:
        await repository.set_incidents(session, links)
