"""Supplier deduction endpoints (SAN-7, HTTP only)."""

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.sanctions.deductions import repository, service
from services.sanctions.deductions.schemas import DeductionPage, SupplierTotalOut, SupplierTotals
from services.sanctions.summaries.rules import MONTH_PATTERN
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem
from shared.http.pagination import decode_cursor, encode_cursor

router = APIRouter(prefix="/v1/supplier-deductions", tags=["supplier deductions"])

READERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.FINANCE)


@router.get("/totals", response_model=SupplierTotals)
async def supplier_totals(
    month: str | None = Query(None, pattern=MONTH_PATTERN),
    supplier: str | None = Query(None, min_length=1, max_length=200),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SupplierTotals:
    async with sessions() as session:
        rows = await repository.totals(session, month=month, supplier=supplier)
    return SupplierTotals(
        items=[
            SupplierTotalOut(supplier=row.supplier, month=row.month, total=row.total, deductions=row.deductions)
            for row in rows
        ]
    )


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return datetime.fromisoformat(values[0]), str(values[1])
    except (IndexError, TypeError, ValueError):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned") from None


@router.get("", response_model=DeductionPage)
async def list_deductions(
    month: str | None = Query(None, pattern=MONTH_PATTERN),
    supplier: str | None = Query(None, min_length=1, max_length=200),
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> DeductionPage:
    async with sessions() as session:
        found = await repository.search(session, month=month, supplier=supplier, after=_after(cursor), limit=limit + 1)
    page, more = found[:limit], len(found) > limit
    next_cursor = encode_cursor([page[-1].occurred_at.isoformat(), page[-1].deduction_id]) if more else None
    return DeductionPage(items=[service.to_out(d) for d in page], next_cursor=next_cursor)
