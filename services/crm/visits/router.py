"""Projects, visit plans and visit reports (CRM-5; HTTP only)."""

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.crm.schemas import IdentifierPath
from services.crm.visits import repository, service
from services.crm.visits.models import Project, Visit
from services.crm.visits.schemas import (
    DailyReport,
    DailyReportQuery,
    GeneratedPlans,
    GeneratePlansIn,
    MonthlyReport,
    ProjectIn,
    ProjectList,
    ProjectOut,
    VisitIn,
    VisitOut,
    VisitPage,
    VisitPlanOut,
    VisitPlanPage,
    VisitPlanQuery,
    VisitQuery,
)
from shared import clock
from shared.auth import Principal, Role, require_roles
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession, creates_once
from shared.schemas import Month
from shared.workcalendar import CHINA

router = APIRouter(tags=["visits"])

PLANNERS = (Role.SALES, Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
VISITORS = (Role.SALES, Role.CUSTOMER_SERVICE, Role.QUALITY_MANAGER)
READERS = (Role.SALES, Role.CUSTOMER_SERVICE, Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
Planner = Annotated[Principal, Depends(require_roles(*PLANNERS))]
Visitor = Annotated[Principal, Depends(require_roles(*VISITORS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


def china_today() -> date:
    return clock.now().astimezone(CHINA).date()


@router.put("/v1/customers/{customer_id}/projects/{project_id}", response_model=ProjectOut)
async def put_project(
    payload: ProjectIn,
    session: WriteSession,
    principal: Planner,
    customer_id: IdentifierPath,
    project_id: IdentifierPath,
) -> Project:
    """A project delivered to the customer: from it CRM-5 plans monthly, then quarterly visits."""
    return await service.record_project(session, customer_id, project_id, payload, principal)


@router.get("/v1/customers/{customer_id}/projects", response_model=ProjectList)
async def list_projects(
    session: ReadSession,
    _: Reader,
    customer_id: IdentifierPath,
) -> ProjectList:
    return ProjectList.model_validate({"items": await repository.projects_of(session, customer_id)})


@router.post("/v1/visit-plans/generate", response_model=GeneratedPlans)
async def generate_visit_plans(
    payload: GeneratePlansIn,
    session: WriteSession,
    principal: Planner,
) -> GeneratedPlans:
    """CRM-5: plans the month's visits; running it again only adds what is new."""
    return await service.generate_plans(session, payload.month, principal, china_today())


@router.get("/v1/visit-plans", response_model=VisitPlanPage)
async def list_visit_plans(
    session: ReadSession,
    _: Reader,
    query: Annotated[VisitPlanQuery, Query()],
) -> Paged[VisitPlanOut]:
    """Due and overdue visits (CRM-5), by due date."""
    today = query.as_of or china_today()
    where = service.plans_to_list(query, today)
    page = await page_of(session, repository.search_plans(where), repository.PLAN_KEYSET, query)
    return page.map(lambda plan: VisitPlanOut.of(plan, today))


@router.post("/v1/visits", status_code=201, response_model=VisitOut)
@creates_once("visits")
async def post_visit(
    payload: VisitIn,
    session: WriteSession,
    principal: Visitor,
) -> Visit:
    """CRM-5: a visit report (巡访日报表 fields); refused when the visitor is the regional sales rep."""
    return await service.record_visit(session, payload, principal)


@router.get("/v1/visits/daily", response_model=DailyReport)
async def get_daily_report(
    session: ReadSession,
    _: Reader,
    query: Annotated[DailyReportQuery, Query()],
) -> DailyReport:
    return await service.daily_report(session, query.day, query.visitor)


@router.get("/v1/visits/monthly/{month}", response_model=MonthlyReport)
async def get_monthly_report(
    month: Month,
    session: ReadSession,
    _: Reader,
) -> MonthlyReport:
    return await service.monthly_report(session, month, china_today())


@router.get("/v1/visits", response_model=VisitPage)
async def list_visits(
    session: ReadSession,
    _: Reader,
    query: Annotated[VisitQuery, Query()],
) -> Paged[Visit]:
    return await page_of(session, repository.search_visits(query), repository.VISIT_KEYSET, query)


@router.get("/v1/visits/{visit_id}", response_model=VisitOut)
async def get_visit(
    visit_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> Visit:
    return service.require_visit(await repository.get_visit(session, visit_id), visit_id)
