"""Attachments on notices (ATT-1…4): the stamped notice, a dispute's proof; kept in the notice's steps."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.attachments.models import Attachment
from services.sanctions.notices import repository as notices
from services.sanctions.notices.models import Notice, NoticeStep
from services.sanctions.notices.service import can_see
from shared import clock
from shared.attachments import Accepted, get_record, history_detail, insert_record, replaceable
from shared.auth import Principal, Role
from shared.errors import found, not_found

NOTICE = "notice"
# SAN-4 §6.3: the quality department issues notices and administration keeps the stamped original.
FILERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)


async def visible_notice(session: AsyncSession, notice_id: uuid.UUID, reader: Principal) -> Notice:
    """ATT-3: a notice's attachments are seen by exactly who sees the notice: its employee, the
    quality department, administration and finance. Anyone else is told it does not exist."""
    notice = await notices.get(session, notice_id)
    if notice is None or not can_see(reader, notice.employee_id):
        raise not_found("notice", str(notice_id))
    return notice


async def _sees_notice(session: AsyncSession, notice_id: uuid.UUID, reader: Principal) -> bool:
    notice = await notices.get(session, notice_id)
    return notice is not None and can_see(reader, notice.employee_id)


async def attach(session: AsyncSession, notice_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """The metadata and the notice's step entry in one transaction; a replaced attachment is kept."""
    notice = found(await notices.get(session, notice_id, for_update=True), "notice", notice_id)
    owner_id = str(notice.id)
    previous = None
    if accepted.replaces is not None:
        previous = await replaceable(session, Attachment, NOTICE, owner_id, accepted.replaces)
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
    session.add(
        NoticeStep(
            notice_id=notice.id,
            action="attachment_replaced" if previous is not None else "attachment_added",
            from_status=notice.status,
            to_status=notice.status,
            actor=actor.sub,
            at=clock.now(),
            detail=history_detail(attachment, previous),
        )
    )
    return attachment


async def readable(session: AsyncSession, attachment_id: uuid.UUID, reader: Principal) -> Attachment:
    """ATT-3: another employee's notice's attachment is a 404, as the notice itself is."""
    attachment = await get_record(session, Attachment, attachment_id, NOTICE)
    if attachment is None or not await _sees_notice(session, uuid.UUID(attachment.owner_id), reader):
        raise not_found("attachment", str(attachment_id))
    return attachment
