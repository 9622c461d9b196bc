"""CLS-6 supplier material endpoints (HTTP only)."""

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.incidents import service as incidents_service
from services.classification.roles import READERS, WRITERS
from services.classification.suppliers import service
from services.classification.suppliers.schemas import DeductionIn, DeductionOut, DispositionIn, SupplierIssueOut
from shared.app import sessions_of
from shared.auth import Principal, require_roles
from shared.http.idempotency import IdempotencyKey, respond_once

router = APIRouter(prefix="/v1/incidents/{incident_id}/supplier-issue", tags=["supplier material"])


@router.get("", response_model=SupplierIssueOut)
async def get_supplier_issue(
    incident_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SupplierIssueOut:
    async with sessions() as session:
        return await service.issue_out(session, incident_id)


@router.post("/disposition", response_model=SupplierIssueOut)
async def decide_disposition(
    incident_id: uuid.UUID,
    payload: DispositionIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> SupplierIssueOut:
    async with sessions() as session, session.begin():
        incident = await incidents_service.open_or_fail(session, incident_id)
        await service.decide(session, incident, payload, principal)
        return await service.issue_out(session, incident_id)


@router.post("/deductions", status_code=201, response_model=DeductionOut)
async def charge_concession_hours(
    incident_id: uuid.UUID,
    payload: DeductionIn,
    request: Request,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """CLS-6 §9.1: 20 CNY per hour of extra work, published for sanctions (SAN-7)."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        incident = await incidents_service.open_or_fail(session, incident_id)
        deduction = await service.charge(session, incident, payload, principal)
        return 201, service.deduction_out(deduction).model_dump(mode="json")

    return await respond_once(sessions, f"deductions:{incident_id}", idempotency_key, await request.body(), create)
