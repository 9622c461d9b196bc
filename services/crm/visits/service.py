"""Visit decisions: plans from delivered projects and classes, who may visit, reports and roll-ups
(CRM-5; never commits)."""

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.classes import service as classes
from services.crm.classes.rules import visit_interval_for_class
from services.crm.customers import repository as customers
from services.crm.visits import repository
from services.crm.visits.models import Project, Visit, VisitPlan
from services.crm.visits.repository import PlanSearch
from services.crm.visits.rules import (
    month_end,
    month_start,
    plan_for_month,
    visitor_for,
    visitor_may_visit,
)
from services.crm.visits.schemas import (
    DailyReport,
    GeneratedPlans,
    MonthlyReport,
    PlanFilter,
    PlanStatus,
    ProjectIn,
    Remark,
    VisitIn,
    VisitorCount,
    VisitorDay,
    VisitPlanOut,
    VisitPlanQuery,
)
from shared import clock
from shared.auth import Principal
from shared.errors import conflict, found, unprocessable
from shared.events.crm import VisitPlannedV1, VisitReassignedV1, VisitRecordedV1
from shared.messaging.outbox import add_events
from shared.schemas import parse_month
from shared.workcalendar import CHINA

# A report a few minutes "from the future" is clock skew of a phone, not a visit yet to happen.
CLOCK_SKEW = timedelta(minutes=10)


async def record_project(
    session: AsyncSession, customer_id: str, project_id: str, payload: ProjectIn, principal: Principal
) -> Project:
    found(await customers.get(session, customer_id), "customer", customer_id)
    return await repository.put_project(
        session,
        {
            "customer_id": customer_id,
            "project_id": project_id,
            "name": payload.name,
            "delivered_on": payload.delivered_on,
            "recorded_by": principal.sub,
            "recorded_at": clock.now(),
        },
    )


async def generate_plans(session: AsyncSession, month: str, principal: Principal, today: date) -> GeneratedPlans:
    """CRM-5: the month's visit plan (月份巡回访问计划); generating a month twice adds only what is new."""
    created, wanted = await plan_month(session, parse_month(month), principal.sub)
    return GeneratedPlans(
        month=month,
        created=len(created),
        already_planned=wanted - len(created),
        items=[VisitPlanOut.of(plan, today) for plan in sorted(created, key=lambda p: p.customer_id)],
    )


async def plan_month(session: AsyncSession, period: date, created_by: str) -> tuple[list[VisitPlan], int]:
    """Plans ``period``'s visits of every customer CRM-5 plans that month and announces each new plan with
    its visitor (NTF-1); returns (the new plans, how many the month wants). Idempotent: a plan already
    there is neither added nor announced again."""
    _, table = await classes.table_in_force(session)
    candidates = await repository.planning_candidates(session, before=period)
    now = clock.now()
    wanted = []
    for customer_id, latest_delivery, customer_class in candidates:
        planned = plan_for_month(
            period, latest_delivery, visit_interval_for_class(table, customer_class), customer_class
        )
        if planned is not None:
            wanted.append(
                {
                    "id": uuid.uuid4(),
                    "customer_id": customer_id,
                    "period": planned.period,
                    "due_on": planned.due_on,
                    "interval_months": planned.interval_months,
                    "basis": planned.basis,
                    "status": PlanStatus.PLANNED.value,
                    "created_by": created_by,
                    "created_at": now,
                }
            )
    created = await repository.add_plans(session, wanted)
    facts = await repository.visitor_facts(session, sorted({plan.customer_id for plan in created}))
    await add_events(session, [planned_event(plan, facts[plan.customer_id], now) for plan in created])
    return created, len(wanted)


def planned_event(plan: VisitPlan, facts: repository.VisitorFacts, now: datetime) -> VisitPlannedV1:
    name, sales_owner, regional_sales_rep, last_visitor = facts
    return VisitPlannedV1(
        plan_id=str(plan.id),
        customer_id=plan.customer_id,
        customer_name=name,
        month=f"{plan.period:%Y-%m}",
        due_on=plan.due_on,
        visitor_id=visitor_for(last_visitor, sales_owner, regional_sales_rep),
        planned_at=now,
    )


async def visitor_of(session: AsyncSession, customer_id: str) -> str | None:
    facts = (await repository.visitor_facts(session, [customer_id])).get(customer_id)
    return None if facts is None else visitor_for(facts[3], facts[1], facts[2])


async def reassign_open_plans(session: AsyncSession, customer_id: str, previous: str | None, now: datetime) -> None:
    """A customer whose expected visitor changed (reassigned to another rep, or visited by someone new)
    moves its open plans' reminders to the new visitor (NTF-1)."""
    visitor = await visitor_of(session, customer_id)
    if visitor == previous:
        return
    plans = await repository.open_plans_of(session, customer_id)
    await add_events(
        session,
        [
            VisitReassignedV1(
                plan_id=str(plan.id),
                customer_id=customer_id,
                visitor_id=visitor,
                previous_visitor_id=previous,
                reassigned_at=now,
            )
            for plan in plans
        ],
    )


def plans_to_list(query: VisitPlanQuery, today: date) -> PlanSearch:
    """CRM-5: due = open, its month has begun and its end not passed; overdue = open past its due day."""
    status, month = query.status, query.month
    return PlanSearch(
        status=None if status is None else ("done" if status is PlanFilter.DONE else "planned"),
        period_up_to=month_start(today) if status is PlanFilter.DUE else None,
        due_from=today if status is PlanFilter.DUE else None,
        due_before=today if status is PlanFilter.OVERDUE else None,
        customer_id=query.customer_id,
        period=parse_month(month) if month else None,
    )


async def plan_to_fulfil(session: AsyncSession, payload: VisitIn, visited_on: date) -> VisitPlan | None:
    if payload.plan_id is None:
        return await repository.oldest_open_plan(session, payload.customer_id, month_start(visited_on))
    plan = await repository.get_plan(session, payload.plan_id, lock=True)
    if plan is None or plan.customer_id != payload.customer_id:
        raise unprocessable("unknown_visit_plan", f"customer {payload.customer_id!r} has no plan {payload.plan_id}")
    if plan.status != PlanStatus.PLANNED.value:
        raise conflict("visit_plan_done", f"plan {plan.id} was already fulfilled by visit {plan.visit_id}")
    if plan.period > month_start(visited_on):
        # As without a plan named: a month's visit is made in that month or after, never before it.
        raise unprocessable(
            "visit_plan_not_begun",
            f"plan {plan.id} is for {plan.period:%Y-%m}; a visit on {visited_on} cannot fulfil a month not yet begun",
            month=f"{plan.period:%Y-%m}",
        )
    return plan


async def record_visit(session: AsyncSession, payload: VisitIn, principal: Principal) -> Visit:
    """CRM-5: a named visitor who is not the customer's regional sales rep; the report fills a plan."""
    customer = await customers.get(session, payload.customer_id)
    if customer is None:
        raise unprocessable("unknown_customer", f"no customer with id {payload.customer_id!r}")
    visitor_id = payload.visitor.id if payload.visitor else principal.sub
    visitor_name = payload.visitor.name if payload.visitor else (principal.name or None)
    if not visitor_may_visit(visitor_id, customer.regional_sales_rep):
        raise unprocessable(
            "visitor_is_regional_sales_rep",
            f"{visitor_id!r} is the regional sales rep of customer {customer.id!r}; "
            "visits are made by another named person (公司客户服务管理办法 第四条(2))",
        )
    now = clock.now()
    if payload.visited_at > now + CLOCK_SKEW:
        raise unprocessable("visit_in_future", "a visit is reported after it took place")
    visited_on = payload.visited_at.astimezone(CHINA).date()
    previous_visitor = await visitor_of(session, customer.id)
    plan = await plan_to_fulfil(session, payload, visited_on)
    visit = Visit(
        id=uuid.uuid4(),
        customer_id=customer.id,
        plan_id=plan.id if plan else None,
        visitor_id=visitor_id,
        visitor_name=visitor_name,
        visited_at=payload.visited_at,
        visited_on=visited_on,
        opinions=payload.opinions,
        market_information=payload.market_information,
        competitor_moves=payload.competitor_moves,
        results=payload.results,
        handled_matters=payload.handled_matters,
        other_matters=payload.other_matters,
        urgent=payload.urgent,
        recorded_by=principal.sub,
        created_at=now,
    )
    await repository.add_visit(session, visit)
    if plan is not None:
        plan.status, plan.visit_id = PlanStatus.DONE.value, visit.id
        await session.flush()
    await add_events(session, [recorded_event(visit)])
    await reassign_open_plans(session, customer.id, previous_visitor, now)
    return visit


def recorded_event(visit: Visit) -> VisitRecordedV1:
    return VisitRecordedV1(
        visit_id=str(visit.id),
        plan_id=None if visit.plan_id is None else str(visit.plan_id),
        customer_id=visit.customer_id,
        visitor_id=visit.visitor_id,
        visited_at=visit.visited_at,
    )


async def daily_report(session: AsyncSession, day: date, visitor_id: str | None) -> DailyReport:
    """巡访日报表 (第九条)."""
    visits = await repository.visits_between(session, day, day, visitor_id)
    by_visitor: dict[str, list[Visit]] = {}
    for visit in visits:
        by_visitor.setdefault(visit.visitor_id, []).append(visit)
    return DailyReport(
        date=day,
        total=len(visits),
        visitors=[
            VisitorDay(visitor_id=vid, visitor_name=items[0].visitor_name, visits=items)
            for vid, items in by_visitor.items()
        ],
    )


async def monthly_report(session: AsyncSession, month: str, today: date) -> MonthlyReport:
    """每月巡访情况报告书 (第十条): the month's plans against its visits, and what they brought back."""
    period = parse_month(month)
    planned, done, overdue = await repository.plan_counts(session, period, today)
    visits = await repository.visits_between(session, period, month_end(period), None)
    counts: dict[str, int] = {}
    for visit in visits:
        counts[visit.visitor_id] = counts.get(visit.visitor_id, 0) + 1
    return MonthlyReport(
        month=month,
        planned=planned,
        done=done,
        open=planned - done,
        overdue=overdue,
        visits=len(visits),
        by_visitor=[VisitorCount(visitor_id=vid, visits=n) for vid, n in sorted(counts.items())],
        urgent=[v for v in visits if v.urgent],
        competitor_moves=[
            Remark(customer_id=v.customer_id, visited_on=v.visited_on, text=v.competitor_moves)
            for v in visits
            if v.competitor_moves
        ],
        market_information=[
            Remark(customer_id=v.customer_id, visited_on=v.visited_on, text=v.market_information)
            for v in visits
            if v.market_information
        ],
    )


def require_visit(visit: Visit | None, visit_id: uuid.UUID) -> Visit:
    return found(visit, "visit", visit_id)
