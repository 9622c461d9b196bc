"""Attachments on complaints (ATT-1…4 with CMP-7/CMP-8): who may add one, what the history keeps."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.attachments import repository
from services.intake.attachments.models import Attachment
from services.intake.complaints import repository as complaints
from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import QUALITY_HEAD_ROLE
from shared.auth import Principal
from shared.http.problems import Problem, conflict, not_found, unprocessable

COMPLAINT = "complaint"


def may_attach(actor: str, roles: list[str], owner: str) -> bool:
    """CMP-7: evidence is filed by whoever works the complaint (its owner) or the quality department."""
    return actor == owner or QUALITY_HEAD_ROLE in roles


async def complaint_to_attach_to(session: AsyncSession, complaint_id: uuid.UUID, actor: Principal) -> Complaint:
    """Checked before the body is read: a file for a complaint that does not exist, or that the
    caller does not work, is refused without taking 20 MB in."""
    complaint = await complaints.get(session, complaint_id)
    if complaint is None:
        raise not_found("complaint", str(complaint_id))
    if not may_attach(actor.sub, actor.roles, complaint.owner):
        raise Problem(
            403,
            "not_owner",
            "Forbidden",
            f"complaint {complaint.complaint_no} is owned by {complaint.owner}; the owner files its evidence (CMP-7)",
            owner=complaint.owner,
        )
    return complaint


def parse_replaces(value: str | None) -> uuid.UUID | None:
    if value is None or not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise unprocessable("invalid_replaces", "replaces is the id of an attachment of this complaint") from None


async def attach(
    session: AsyncSession,
    complaint_id: uuid.UUID,
    columns: dict[str, Any],
    actor: Principal,
    replaces: uuid.UUID | None,
) -> Attachment:
    """Writes the metadata and the complaint's history entry in one transaction (ATT-1, CMP-8). A
    replacement keeps the old attachment, marked as replaced: records are evidence, nothing is deleted."""
    complaint = await complaints.get_for_update(session, complaint_id)
    if complaint is None:
        raise not_found("complaint", str(complaint_id))
    previous = await _replaceable(session, complaint_id, replaces) if replaces else None
    attachment = await repository.insert(
        session,
        {
            **columns,
            "owner_id": str(complaint_id),
            "uploaded_by": actor.sub,
            "uploaded_by_name": actor.name or None,
            "replaces": replaces,
        },
    )
    changes: dict[str, Any] = {
        "attachment": {"id": str(attachment.id), "name": attachment.name, "sha256": attachment.sha256}
    }
    if previous is not None:
        previous.replaced_by = attachment.id
        changes["replaces"] = {"id": str(previous.id), "name": previous.name, "sha256": previous.sha256}
    action = "attachment_replaced" if previous is not None else "attachment_added"
    await complaints.add_history(session, complaint_id, actor.sub, action, changes, actor.name)
    return attachment


async def _replaceable(session: AsyncSession, complaint_id: uuid.UUID, replaces: uuid.UUID) -> Attachment:
    previous = await repository.get_for_update(session, replaces)
    if previous is None or previous.owner_kind != COMPLAINT or previous.owner_id != str(complaint_id):
        raise unprocessable("invalid_replaces", f"complaint {complaint_id} has no attachment {replaces}")
    if previous.replaced_by is not None:
        raise conflict(
            "attachment_already_replaced",
            f"attachment {replaces} was replaced by {previous.replaced_by}; replace that one",
            replaced_by=str(previous.replaced_by),
        )
    return previous


async def readable(session: AsyncSession, attachment_id: uuid.UUID) -> Attachment:
    """ATT-3: an attachment is seen by exactly who sees its complaint (the complaint readers)."""
    attachment = await repository.get(session, attachment_id)
    if attachment is None or attachment.owner_kind != COMPLAINT:
        raise not_found("attachment", str(attachment_id))
    return attachment
