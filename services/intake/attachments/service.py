"""Attachments on complaints (ATT-1…4 with CMP-7/CMP-8) and shop-floor reports: who may add one, what
the history keeps."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.attachments.models import Attachment
from services.intake.complaints import repository as complaints
from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import QUALITY_HEAD_ROLE
from services.intake.reports import repository as reports
from services.intake.reports.models import IncidentReport
from shared.attachments import Accepted, SeesOwner, add_record, history_detail, readable_record
from shared.auth import Principal
from shared.errors import Problem, found

COMPLAINT = "complaint"
REPORT = "incident_report"


def may_attach(actor: str, roles: list[str], owner: str) -> bool:
    """CMP-7: evidence is filed by whoever works the complaint (its owner) or the quality department."""
    return actor == owner or QUALITY_HEAD_ROLE in roles


async def complaint_to_attach_to(session: AsyncSession, complaint_id: uuid.UUID, actor: Principal) -> Complaint:
    """Checked before the body is read: a file for a complaint that does not exist, or that the
    caller does not work, is refused without taking 20 MB in."""
    complaint = await existing_complaint(session, complaint_id)
    if not may_attach(actor.sub, actor.roles, complaint.owner):
        raise Problem(
            403,
            "not_owner",
            "Forbidden",
            f"complaint {complaint.complaint_no} is owned by {complaint.owner}; the owner files its evidence (CMP-7)",
            owner=complaint.owner,
        )
    return complaint


async def attach(session: AsyncSession, complaint_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """Writes the metadata and the complaint's history entry in one transaction (ATT-1, CMP-8). A
    replacement keeps the old attachment, marked as replaced: records are evidence, nothing is deleted."""
    found(await complaints.get_for_update(session, complaint_id), "complaint", complaint_id)
    attachment, previous = await add_record(session, Attachment, str(complaint_id), accepted, actor)
    action = "attachment_replaced" if previous is not None else "attachment_added"
    await complaints.add_history(
        session, complaint_id, actor.sub, action, history_detail(attachment, previous), actor.name
    )
    return attachment


async def existing_complaint(session: AsyncSession, complaint_id: uuid.UUID) -> Complaint:
    """Its attachments are listed to whoever reads complaints (ATT-3), not only to its owner."""
    return found(await complaints.get(session, complaint_id), "complaint", complaint_id)


async def report_to_attach_to(session: AsyncSession, report_id: uuid.UUID) -> IncidentReport:
    return found(await reports.get(session, report_id), "incident report", report_id)


async def readable(
    session: AsyncSession, attachment_id: uuid.UUID, reader: Principal, sees: dict[str, SeesOwner]
) -> Attachment:
    """ATT-3: an attachment is seen by exactly who sees its complaint or report."""
    return await readable_record(session, Attachment, attachment_id, reader, sees)
