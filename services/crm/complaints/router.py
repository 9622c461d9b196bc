"""Complaints of a customer (CRM-7; HTTP only)."""

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.complaints import repository, service
from services.crm.complaints.schemas import CustomerComplaintPage
from services.crm.schemas import IDENTIFIER, NO_NUL
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import decode_keyset, encode_cursor

router = APIRouter(prefix="/v1/customers", tags=["complaints"])

READERS = (Role.SALES, Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.CUSTOMER_SERVICE, Role.FINANCE)


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    return decode_keyset(cursor, datetime.fromisoformat, str)


@router.get("/{customer_id}/complaints", response_model=CustomerComplaintPage)
async def list_customer_complaints(
    customer_id: str = Path(min_length=1, max_length=200, pattern=IDENTIFIER),
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> CustomerComplaintPage:
    """The customer's complaints as intake reported them, newest first."""
    async with sessions() as session:
        found = await repository.page_of_customer(session, customer_id, _after(cursor), limit + 1)
    page, more = found[:limit], len(found) > limit
    last = page[-1] if page else None
    next_cursor = (
        encode_cursor([(last.received_at or last.updated_at).isoformat(), last.complaint_id]) if more and last else None
    )
    return CustomerComplaintPage(items=[service.to_out(c) for c in page], next_cursor=next_cursor)
