"""Attachments on fee statements (ATT-1…4): receipts and the signed 《月客户采购及客情费统计表》."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.attachments.models import Attachment
from services.crm.fees import repository as fees
from services.crm.fees.service import readable_statement, visible
from shared.attachments import Accepted, get_record, insert_record, records_of, replaceable
from shared.auth import Principal
from shared.http.problems import not_found

STATEMENT = "fee_statement"


async def statement_to_attach_to(session: AsyncSession, statement_id: uuid.UUID, actor: Principal) -> None:
    """Checked before the body is read: another rep's statement does not exist for you (404)."""
    await readable_statement(session, statement_id, actor)


async def attach(session: AsyncSession, statement_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """ATT-3: whoever sees the statement (its rep, the sign-off roles, finance) may add a receipt to it;
    a replaced attachment is kept, marked as replaced."""
    statement = await readable_statement(session, statement_id, actor)
    owner_id = str(statement.id)
    previous = None
    if accepted.replaces is not None:
        previous = await replaceable(session, Attachment, STATEMENT, owner_id, accepted.replaces)
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
    return attachment


async def of_statement(
    session: AsyncSession, statement_id: uuid.UUID, reader: Principal, include_replaced: bool
) -> list[Attachment]:
    await readable_statement(session, statement_id, reader)
    return await records_of(session, Attachment, STATEMENT, str(statement_id), include_replaced)


async def readable(session: AsyncSession, attachment_id: uuid.UUID, reader: Principal) -> Attachment:
    """ATT-3: another rep's statement's attachment is a 404, as the statement itself is."""
    attachment = await get_record(session, Attachment, attachment_id, STATEMENT)
    if attachment is None or not await _sees_statement(session, uuid.UUID(attachment.owner_id), reader):
        raise not_found("attachment", str(attachment_id))
    return attachment


async def _sees_statement(session: AsyncSession, statement_id: uuid.UUID, reader: Principal) -> bool:
    statement = await fees.get_statement(session, statement_id)
    return statement is not None and visible(reader, statement.sales_rep)


async def ensure_replaceable(session: AsyncSession, owner_id: uuid.UUID, replaces: uuid.UUID) -> None:
    await replaceable(session, Attachment, STATEMENT, str(owner_id), replaces)
