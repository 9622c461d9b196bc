"""Violation and notice endpoints (SAN-2…SAN-4, HTTP only)."""

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.sanctions.clauses.schemas import ClauseCode
from services.sanctions.notices import repository, service
from services.sanctions.notices.rules import Status
from services.sanctions.notices.schemas import (
    DecisionIn,
    DisputeIn,
    IssueIn,
    NameEmployeeIn,
    NoticeDetail,
    NoticeOut,
    NoticePage,
    StepIn,
    ViolationCreated,
    ViolationIn,
)
from services.sanctions.summaries.rules import MONTH_PATTERN
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem, not_found
from shared.http.idempotency import IdempotencyKey, respond_once
from shared.http.pagination import decode_cursor, encode_cursor

violations = APIRouter(prefix="/v1/violations", tags=["notices"])
router = APIRouter(prefix="/v1/notices", tags=["notices"])

RECORDERS = (Role.QUALITY_MANAGER, Role.INSPECTOR)
ISSUERS = (Role.QUALITY_MANAGER,)  # §6.2
STAMPERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)  # §6.3: the stamped original goes to administration
DECIDERS = (Role.ADMIN_DEPT,)  # §6.5
EVERYONE = tuple(Role)  # object-level rules decide what each one sees


@violations.post("", status_code=201, response_model=ViolationCreated)
async def record_violation(
    payload: ViolationIn,
    request: Request,
    principal: Principal = Depends(require_roles(*RECORDERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def create(session: AsyncSession) -> tuple[int, object]:
        violation, notice, act = await service.record_violation(session, payload, principal.sub)
        created = ViolationCreated(id=violation.id, notice=service.to_out(notice), act=act)
        return 201, created.model_dump(mode="json")

    return await respond_once(sessions, f"violations:{principal.sub}", idempotency_key, await request.body(), create)


def _after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return datetime.fromisoformat(values[0]), uuid.UUID(values[1])
    except (IndexError, TypeError, ValueError):
        raise Problem(400, "invalid_cursor", "Bad request", "the cursor is not one this API returned") from None


def _visible_employee(principal: Principal, employee_id: str | None) -> str | None:
    """§7: an employee lists only their own notices unless quality, administration or finance."""
    if principal.has_any(service.SEE_ALL):
        return employee_id
    if employee_id is not None and employee_id != principal.sub:
        raise Problem(403, "forbidden", "Forbidden", "you may only see your own notices")
    return principal.sub


@router.get("", response_model=NoticePage)
async def list_notices(
    employee_id: str | None = Query(None, min_length=1, max_length=100),
    incident_id: str | None = Query(None, min_length=1, max_length=200),
    month: str | None = Query(None, pattern=MONTH_PATTERN),
    status: Status | None = None,
    clause: ClauseCode | None = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=500),
    principal: Principal = Depends(require_roles(*EVERYONE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticePage:
    async with sessions() as session:
        notices = await repository.search(
            session,
            employee_id=_visible_employee(principal, employee_id),
            incident_id=incident_id,
            month=month,
            status=status.value if status else None,
            clause=clause,
            after=_after(cursor),
            limit=limit + 1,
        )
    page, more = notices[:limit], len(notices) > limit
    next_cursor = encode_cursor([page[-1].created_at.isoformat(), str(page[-1].id)]) if more else None
    return NoticePage(items=[service.to_out(notice) for notice in page], next_cursor=next_cursor)


@router.get("/{notice_id}", response_model=NoticeDetail)
async def get_notice(
    notice_id: uuid.UUID,
    principal: Principal = Depends(require_roles(*EVERYONE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeDetail:
    async with sessions() as session:
        notice = await repository.get(session, notice_id)
        if notice is None or not service.can_see(principal, notice.employee_id):
            raise not_found("notice", str(notice_id))
        return service.to_detail(notice, await repository.steps_of(session, notice_id))


@router.post("/{notice_id}/issue", response_model=NoticeOut)
async def issue_notice(
    notice_id: uuid.UUID,
    body: IssueIn | None = None,
    principal: Principal = Depends(require_roles(*ISSUERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeOut:
    async with sessions() as session, session.begin():
        return service.to_out(await service.issue(session, notice_id, body or IssueIn(), principal))


@router.post("/{notice_id}/employee", response_model=ViolationCreated)
async def name_employee(
    notice_id: uuid.UUID,
    body: NameEmployeeIn,
    principal: Principal = Depends(require_roles(*ISSUERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ViolationCreated:
    """SAN-6: names the person an incident draft charges (one that names only the department), before
    it is issued; the answer shows the notice's act (SAN-3) once it has one."""
    async with sessions() as session, session.begin():
        notice, act = await service.name_employee(session, notice_id, body, principal)
        return ViolationCreated(id=notice.violation_id, notice=service.to_out(notice), act=act)


@router.post("/{notice_id}/stamp", response_model=NoticeOut)
async def stamp_notice(
    notice_id: uuid.UUID,
    body: StepIn | None = None,
    principal: Principal = Depends(require_roles(*STAMPERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeOut:
    async with sessions() as session, session.begin():
        return service.to_out(await service.stamp(session, notice_id, body.note if body else None, principal))


@router.post("/{notice_id}/withdraw", response_model=NoticeOut)
async def withdraw_notice(
    notice_id: uuid.UUID,
    body: StepIn | None = None,
    principal: Principal = Depends(require_roles(*ISSUERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeOut:
    async with sessions() as session, session.begin():
        return service.to_out(await service.withdraw(session, notice_id, body.note if body else None, principal))


@router.post("/{notice_id}/dispute", response_model=NoticeOut)
async def dispute_notice(
    notice_id: uuid.UUID,
    body: DisputeIn,
    principal: Principal = Depends(require_roles(*EVERYONE)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeOut:
    async with sessions() as session, session.begin():
        return service.to_out(await service.dispute(session, notice_id, body, principal))


@router.post("/{notice_id}/decide", response_model=NoticeOut)
async def decide_dispute(
    notice_id: uuid.UUID,
    body: DecisionIn,
    principal: Principal = Depends(require_roles(*DECIDERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NoticeOut:
    async with sessions() as session, session.begin():
        return service.to_out(await service.decide(session, notice_id, body, principal))
