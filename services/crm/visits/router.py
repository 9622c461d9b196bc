"""Projects, visit plans and visit reports (CRM-5; HTTP only)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.schemas import IDENTIFIER, NO_NUL
from services.crm.visits import repository, service
from services.crm.visits.schemas import (
    DailyReport,
    GeneratedPlans,
    GeneratePlansIn,
    MonthlyReport,
    PlanFilter,
    ProjectIn,
    ProjectList,
    ProjectOut,
    VisitIn,
    VisitOut,
    VisitPage,
    VisitPlanPage,
)
from shared import clock
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.http.idempotency import IdempotencyKey, respond_once
from shared.http.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.schemas import Day, Month
from shared.workcalendar import CHINA

router = APIRouter(tags=["visits"])

PLANNERS = (Role.SALES, Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
VISITORS = (Role.SALES, Role.CUSTOMER_SERVICE, Role.QUALITY_MANAGER)
READERS = (Role.SALES, Role.CUSTOMER_SERVICE, Role.QUALITY_MANAGER, Role.ADMIN_DEPT)


def identifier() -> Any:
    """A fresh Path() per parameter: FastAPI documents only one of two parameters sharing one instance."""
    return Path(min_length=1, max_length=200, pattern=IDENTIFIER)


def china_today() -> date:
    return clock.now().astimezone(CHINA).date()


@router.put("/v1/customers/{customer_id}/projects/{project_id}", response_model=ProjectOut)
async def put_project(
    payload: ProjectIn,
    customer_id: str = identifier(),
    project_id: str = identifier(),
    principal: Principal = Depends(require_roles(*PLANNERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ProjectOut:
    """A project delivered to the customer: from it CRM-5 plans monthly, then quarterly visits."""
    async with sessions() as session, session.begin():
        project = await service.record_project(session, customer_id, project_id, payload, principal)
        return service.project_out(project)


@router.get("/v1/customers/{customer_id}/projects", response_model=ProjectList)
async def list_projects(
    customer_id: str = identifier(),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ProjectList:
    async with sessions() as session:
        projects = await repository.projects_of(session, customer_id)
    return ProjectList(items=[service.project_out(p) for p in projects])


@router.post("/v1/visit-plans/generate", response_model=GeneratedPlans)
async def generate_visit_plans(
    payload: GeneratePlansIn,
    principal: Principal = Depends(require_roles(*PLANNERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> GeneratedPlans:
    """CRM-5: plans the month's visits; running it again only adds what is new."""
    async with sessions() as session, session.begin():
        return await service.generate_plans(session, payload.month, principal, china_today())


def _plan_after(cursor: str | None) -> tuple[date, uuid.UUID] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return date.fromisoformat(values[0]), uuid.UUID(values[1])
    except (IndexError, TypeError, ValueError):
        raise invalid_cursor() from None


@router.get("/v1/visit-plans", response_model=VisitPlanPage)
async def list_visit_plans(
    status: PlanFilter | None = None,
    customer_id: str | None = Query(None, max_length=200, pattern=NO_NUL),
    month: Month | None = None,
    as_of: Day | None = Query(None, description="the day 'due' and 'overdue' are judged on; today by default"),
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> VisitPlanPage:
    """Due and overdue visits (CRM-5), by due date."""
    today = as_of or china_today()
    async with sessions() as session:
        plans = await service.list_plans(
            session,
            status=status,
            customer_id=customer_id,
            month=month,
            today=today,
            after=_plan_after(cursor),
            limit=limit + 1,
        )
    page, more = plans[:limit], len(plans) > limit
    next_cursor = encode_cursor([page[-1].due_on.isoformat(), str(page[-1].id)]) if more else None
    return VisitPlanPage(items=[service.plan_out(p, today) for p in page], next_cursor=next_cursor)


@router.post("/v1/visits", status_code=201, response_model=VisitOut)
async def post_visit(
    payload: VisitIn,
    request: Request,
    principal: Principal = Depends(require_roles(*VISITORS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """CRM-5: a visit report (巡访日报表 fields); refused when the visitor is the regional sales rep."""

    async def create(session: AsyncSession) -> tuple[int, object]:
        visit = await service.record_visit(session, payload, principal)
        return 201, service.visit_out(visit).model_dump(mode="json")

    return await respond_once(sessions, f"visits:{principal.sub}", idempotency_key, await request.body(), create)


@router.get("/v1/visits/daily", response_model=DailyReport)
async def get_daily_report(
    day: Annotated[Day, Query(alias="date")],
    visitor: str | None = Query(None, max_length=200, pattern=NO_NUL),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> DailyReport:
    async with sessions() as session:
        return await service.daily_report(session, day, visitor)


@router.get("/v1/visits/monthly/{month}", response_model=MonthlyReport)
async def get_monthly_report(
    month: Month,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> MonthlyReport:
    async with sessions() as session:
        return await service.monthly_report(session, month, china_today())


def _visit_after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return datetime.fromisoformat(values[0]), uuid.UUID(values[1])
    except (IndexError, TypeError, ValueError):
        raise invalid_cursor() from None


@router.get("/v1/visits", response_model=VisitPage)
async def list_visits(
    customer_id: str | None = Query(None, max_length=200, pattern=NO_NUL),
    visitor: str | None = Query(None, max_length=200, pattern=NO_NUL),
    cursor: str | None = Query(None, max_length=500, pattern=NO_NUL),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> VisitPage:
    async with sessions() as session:
        visits = await repository.search_visits(
            session, customer_id=customer_id, visitor_id=visitor, after=_visit_after(cursor), limit=limit + 1
        )
    page, more = visits[:limit], len(visits) > limit
    next_cursor = encode_cursor([page[-1].visited_at.isoformat(), str(page[-1].id)]) if more else None
    return VisitPage(items=[service.visit_out(v) for v in page], next_cursor=next_cursor)


@router.get("/v1/visits/{visit_id}", response_model=VisitOut)
async def get_visit(
    visit_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> VisitOut:
    async with sessions() as session:
        visit = service.require_visit(await repository.get_visit(session, visit_id), visit_id)
    return service.visit_out(visit)
