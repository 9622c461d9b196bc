"""Complaint decisions and their events (never commits: the route's transaction does)."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import repository
from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import complaint_number, sla_deadlines
from services.intake.complaints.schemas import ComplaintIn, ComplaintOut, ComplaintStatus
from shared.auth import Principal
from shared.events.intake import ComplaintProduct, ComplaintReceivedV1
from shared.outbox import add_event
from shared.workcalendar import WorkingCalendar


async def receive_complaint(
    session: AsyncSession, payload: ComplaintIn, recorder: Principal, calendar: WorkingCalendar
) -> Complaint:
    """CMP-2/CMP-3/CMP-7: records the complaint with its SLA deadlines; the recorder owns it."""
    deadlines = sla_deadlines(payload.received_at, calendar)
    received_on = calendar.local_date(payload.received_at)
    number = complaint_number(received_on, await repository.next_sequence(session, received_on))
    product = payload.product
    complaint = Complaint(
        complaint_no=number,
        kind=payload.kind.value,
        service_aspect=payload.service_aspect.value if payload.service_aspect else None,
        severity=payload.severity.value,
        channel=payload.channel.value,
        status=ComplaintStatus.RECEIVED.value,
        customer_id=payload.customer_id,
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
        created_at=datetime.now(UTC),
    )
    await repository.add(session, complaint)
    await repository.add_history(
        session, complaint.id, recorder.sub, "received", {"status": complaint.status, "owner": complaint.owner}
    )
    await add_event(session, received_event(complaint))
    return complaint


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
        product=ComplaintProduct(
            model=complaint.product_model,
            name=complaint.product_name,
            quantity=complaint.product_quantity,
            batch_no=complaint.batch_no,
            production_date=complaint.production_date,
            purchase_place=complaint.purchase_place,
        )
        if complaint.product_model
        else None,
        description=complaint.description,
        recorded_by=complaint.recorded_by,
        received_at=complaint.received_at,
        investigate_by=complaint.investigate_by,
        reply_by=complaint.reply_by,
    )


def to_out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut.model_validate(
        {
            "id": complaint.id,
            "complaint_no": complaint.complaint_no,
            "kind": complaint.kind,
            "service_aspect": complaint.service_aspect,
            "severity": complaint.severity,
            "channel": complaint.channel,
            "status": complaint.status,
            "customer_id": complaint.customer_id,
            "complainant": complaint.complainant,
            "product": {
                "model": complaint.product_model,
                "name": complaint.product_name,
                "quantity": complaint.product_quantity,
                "batch_no": complaint.batch_no,
                "production_date": complaint.production_date,
                "purchase_place": complaint.purchase_place,
            }
            if complaint.product_model
            else None,
            "circumstances": complaint.circumstances,
            "description": complaint.description,
            "received_at": complaint.received_at,
            "investigate_by": complaint.investigate_by,
            "reply_by": complaint.reply_by,
            "calendar_estimated": complaint.calendar_estimated,
            "recorded_by": complaint.recorded_by,
            "owner": complaint.owner,
            "created_at": complaint.created_at,
        }
    )
