"""Supplier deduction endpoints (SAN-7, HTTP only)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Row

from services.sanctions.deductions import repository
from services.sanctions.deductions.models import SupplierDeduction
from services.sanctions.deductions.schemas import DeductionPage, SupplierTotals
from services.sanctions.summaries.rules import MONTH_PATTERN
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession
from shared.schemas import Cursor, Limit, ShortQuery

router = APIRouter(prefix="/v1/supplier-deductions", tags=["supplier deductions"])

READERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.FINANCE)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.get("/totals", response_model=SupplierTotals)
async def supplier_totals(
    session: ReadSession,
    _: Reader,
    month: str | None = Query(None, pattern=MONTH_PATTERN),
    supplier: ShortQuery = None,
) -> dict[str, Sequence[Row[str, str, Decimal, int]]]:
    return {"items": await repository.totals(session, month=month, supplier=supplier)}


@router.get("", response_model=DeductionPage)
async def list_deductions(
    session: ReadSession,
    _: Reader,
    month: str | None = Query(None, pattern=MONTH_PATTERN),
    supplier: ShortQuery = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Paged[SupplierDeduction]:
    return await page_of(session, repository.search(month=month, supplier=supplier), repository.KEYSET, cursor, limit)
