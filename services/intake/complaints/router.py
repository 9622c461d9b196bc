"""Complaint endpoints (HTTP only)."""

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.complaints import repository, service
from services.intake.complaints.schemas import ComplaintIn, ComplaintOut
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.http.idempotency import IdempotencyKey, run_once
from shared.http.problems import not_found
from shared.workcalendar import WorkingCalendar

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])

FILERS = (Role.CUSTOMER_SERVICE, Role.SALES, Role.QUALITY_MANAGER)
READERS = (*FILERS, Role.ADMIN_DEPT, Role.OPS)


@router.post("", status_code=201, response_model=ComplaintOut)
async def create_complaint(
    payload: ComplaintIn,
    request: Request,
    principal: Principal = Depends(require_roles(*FILERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def create() -> tuple[int, object]:
        complaint = await service.receive_complaint(session, payload, principal, WorkingCalendar())
        return 201, service.to_out(complaint).model_dump(mode="json")

    async with sessions() as session, session.begin():
        status, body = await run_once(
            session, f"complaints:{principal.sub}", idempotency_key, await request.body(), create
        )
    return JSONResponse(body, status_code=status)


@router.get("/{complaint_id}", response_model=ComplaintOut)
async def get_complaint(
    complaint_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ComplaintOut:
    async with sessions() as session:
        complaint = await repository.get(session, complaint_id)
        if complaint is None:
            raise not_found("complaint", str(complaint_id))
        return service.to_out(complaint)
