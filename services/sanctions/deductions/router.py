"""Supplier deduction endpoints (SAN-7, HTTP only)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Row

from services.sanctions.deductions import repository
from services.sanctions.deductions.models import SupplierDeduction
from services.sanctions.deductions.schemas import DeductionFilter, DeductionPage, DeductionQuery, SupplierTotals
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession

router = APIRouter(prefix="/v1/supplier-deductions", tags=["supplier deductions"])

READERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.FINANCE)
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.get("/totals", response_model=SupplierTotals)
async def supplier_totals(
    session: ReadSession,
    _: Reader,
    where: Annotated[DeductionFilter, Query()],
) -> dict[str, Sequence[Row[str, str, Decimal, int]]]:
    return {"items": await repository.totals(session, where)}


@router.get("", response_model=DeductionPage)
async def list_deductions(
    session: ReadSession,
    _: Reader,
    query: Annotated[DeductionQuery, Query()],
) -> Paged[SupplierDeduction]:
    return await page_of(session, repository.search(query), repository.KEYSET, query)
