"""Shop-floor report endpoints (HTTP only): REP-1 under SPEC §7 roles."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.reports import repository, service
from services.intake.reports.repository import ReportFilter
from services.intake.reports.schemas import ReportIn, ReportKind, ReportOut, ReportPage
from shared.app import Sessions
from shared.auth import Principal, Role, require_roles
from shared.http.idempotency import IdempotencyKey, respond_once
from shared.http.pagination import decode_keyset, encode_cursor
from shared.http.problems import not_found
from shared.schemas import ChinaTime, ShortQuery

router = APIRouter(prefix="/v1/incident-reports", tags=["incident reports"])

FILERS = (Role.INSPECTOR, Role.PRODUCTION, Role.QUALITY_MANAGER)
READERS = (*FILERS, Role.ADMIN_DEPT, Role.OPS)


@router.post("", status_code=201, response_model=ReportOut)
async def file_report(
    payload: ReportIn,
    request: Request,
    sessions: Sessions,
    principal: Principal = Depends(require_roles(*FILERS)),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """REP-1: a scrap, rework, nonconformity, supplier-material, injury or reputation report."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        report = await service.file_report(session, payload, principal)
        return 201, service.to_out(report).model_dump(mode="json")

    return await respond_once(sessions, f"reports:{principal.sub}", idempotency_key, await request.body(), create)


def _after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    return decode_keyset(cursor, datetime.fromisoformat, uuid.UUID)


@router.get("", response_model=ReportPage)
async def list_reports(
    sessions: Sessions,
    kind: ReportKind | None = None,
    model: ShortQuery = None,
    supplier: ShortQuery = None,
    department: ShortQuery = None,
    occurred_from: ChinaTime | None = None,
    occurred_to: ChinaTime | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    _: Principal = Depends(require_roles(*READERS)),
) -> ReportPage:
    where = ReportFilter(
        kind=kind.value if kind else None,
        model=model,
        supplier=supplier,
        department=department,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    async with sessions() as session:
        found = await repository.search(session, where, _after(cursor), limit + 1)
    page, more = found[:limit], len(found) > limit
    next_cursor = encode_cursor([page[-1].created_at.isoformat(), str(page[-1].id)]) if more else None
    return ReportPage(items=[service.to_out(r) for r in page], next_cursor=next_cursor)


@router.get("/{report_id}", response_model=ReportOut)
async def get_report(
    report_id: uuid.UUID,
    sessions: Sessions,
    _: Principal = Depends(require_roles(*READERS)),
) -> ReportOut:
    async with sessions() as session:
        report = await repository.get(session, report_id)
    if report is None:
        raise not_found("incident report", str(report_id))
    return service.to_out(report)
