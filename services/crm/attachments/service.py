"""Attachments (ATT-1…4) on fee statements (receipts, the signed 《月客户采购及客情费统计表》) and on
visit reports (photos on site, the customer's signed sheet)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.attachments.models import Attachment
from services.crm.fees import repository as fees
from services.crm.fees.service import readable_statement, visible
from services.crm.visits import repository as visits
from services.crm.visits.models import Visit
from services.crm.visits.service import require_visit
from shared.attachments import SeesOwner, readable_record
from shared.auth import Principal

STATEMENT = "fee_statement"
VISIT = "visit"


async def visible_statement(session: AsyncSession, statement_id: uuid.UUID, actor: Principal) -> None:
    """ATT-3: whoever sees the statement (its rep, the sign-off roles, finance) adds receipts to it and
    reads them; another rep's statement does not exist for you (404), checked before the body is read."""
    await readable_statement(session, statement_id, actor)


async def sees_statement(session: AsyncSession, owner_id: str, reader: Principal) -> bool:
    """ATT-3: another rep's statement's attachment is a 404, as the statement itself is."""
    statement = await fees.get_statement(session, uuid.UUID(owner_id))
    return statement is not None and visible(reader, statement.sales_rep)


async def visit_to_attach_to(session: AsyncSession, visit_id: uuid.UUID) -> Visit:
    return require_visit(await visits.get_visit(session, visit_id), visit_id)


async def readable(
    session: AsyncSession, attachment_id: uuid.UUID, reader: Principal, sees: dict[str, SeesOwner]
) -> Attachment:
    """ATT-3: an attachment is seen by exactly who sees its fee statement or visit report."""
    return await readable_record(session, Attachment, attachment_id, reader, sees)
