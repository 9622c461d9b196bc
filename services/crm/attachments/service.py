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
from shared.attachments import Accepted, SeesOwner, add_record, readable_record, records_of
from shared.auth import Principal

STATEMENT = "fee_statement"
VISIT = "visit"


async def statement_to_attach_to(session: AsyncSession, statement_id: uuid.UUID, actor: Principal) -> None:
    """Checked before the body is read: another rep's statement does not exist for you (404)."""
    await readable_statement(session, statement_id, actor)


async def attach(session: AsyncSession, statement_id: uuid.UUID, accepted: Accepted, actor: Principal) -> Attachment:
    """ATT-3: whoever sees the statement (its rep, the sign-off roles, finance) may add a receipt to it;
    a replaced attachment is kept, marked as replaced."""
    statement = await readable_statement(session, statement_id, actor)
    attachment, _ = await add_record(session, Attachment, str(statement.id), accepted, actor)
    return attachment


async def of_statement(
    session: AsyncSession, statement_id: uuid.UUID, reader: Principal, include_replaced: bool
) -> list[Attachment]:
    await readable_statement(session, statement_id, reader)
    return await records_of(session, Attachment, STATEMENT, str(statement_id), include_replaced)


async def sees_statement(session: AsyncSession, owner_id: str, reader: Principal) -> bool:
    """ATT-3: another rep's statement's attachment is a 404, as the statement itself is."""
    statement = await fees.get_statement(session, uuid.UUID(owner_id))
    return statement is not None and visible(reader, statement.sales_rep)


async def visit_to_attach_to(session: AsyncSession, visit_id: uuid.UUID) -> Visit:
    return require_visit(await visits.get_visit(session, visit_id), visit_id)


async def attach_to_visit(
    session: AsyncSession, visit_id: uuid.UUID, accepted: Accepted, actor: Principal
) -> Attachment:
    """A visit report is filed once and keeps no history: the row is its record of the photo or the
    customer's signed sheet."""
    visit = await visit_to_attach_to(session, visit_id)
    attachment, _ = await add_record(session, Attachment, str(visit.id), accepted, actor)
    return attachment


async def of_visit(session: AsyncSession, visit_id: uuid.UUID, include_replaced: bool) -> list[Attachment]:
    await visit_to_attach_to(session, visit_id)
    return await records_of(session, Attachment, VISIT, str(visit_id), include_replaced)


async def readable(
    session: AsyncSession, attachment_id: uuid.UUID, reader: Principal, sees: dict[str, SeesOwner]
) -> Attachment:
    """ATT-3: an attachment is seen by exactly who sees its fee statement or visit report."""
    return await readable_record(session, Attachment, attachment_id, reader, sees)
