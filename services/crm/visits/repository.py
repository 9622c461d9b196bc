"""All SQL of projects, visit plans and visits."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.customers.models import Customer
from services.crm.visits.models import Project, Visit, VisitPlan
from services.crm.visits.schemas import VisitQuery
from shared.http.pagination import Keyset
from shared.queries import where_given, where_within


async def put_project(session: AsyncSession, values: dict[str, Any]) -> Project:
    statement = insert(Project).values(**values)
    updated = {key: statement.excluded[key] for key in ("name", "delivered_on", "recorded_by", "recorded_at")}
    await session.execute(
        statement.on_conflict_do_update(index_elements=[Project.customer_id, Project.project_id], set_=updated)
    )
    project = await session.get(Project, (values["customer_id"], values["project_id"]), populate_existing=True)
    assert project is not None
    return project


async def projects_of(session: AsyncSession, customer_id: str) -> list[Project]:
    rows = await session.scalars(
        select(Project).where(Project.customer_id == customer_id).order_by(Project.delivered_on.desc())
    )
    return list(rows.all())


async def planning_candidates(session: AsyncSession, before: date) -> list[tuple[str, date | None, str | None]]:
    """Every customer with a project delivered before ``before`` or a class: (id, latest delivery, class)."""
    latest = (
        select(Project.customer_id, func.max(Project.delivered_on).label("delivered_on"))
        .where(Project.delivered_on < before)
        .group_by(Project.customer_id)
        .subquery()
    )
    rows = await session.execute(
        select(Customer.id, latest.c.delivered_on, Customer.customer_class)
        .outerjoin(latest, latest.c.customer_id == Customer.id)
        .where((latest.c.delivered_on.is_not(None)) | (Customer.customer_class.is_not(None)))
        .order_by(Customer.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def add_plans(session: AsyncSession, plans: list[dict[str, Any]]) -> list[VisitPlan]:
    """Inserts the plans not already there (one per customer and month); returns the new ones."""
    if not plans:
        return []
    statement = (
        insert(VisitPlan)
        .values(plans)
        .on_conflict_do_nothing(index_elements=[VisitPlan.customer_id, VisitPlan.period])
        .returning(VisitPlan)
    )
    return list((await session.scalars(statement)).all())


async def get_plan(session: AsyncSession, plan_id: uuid.UUID, lock: bool = False) -> VisitPlan | None:
    return await session.get(VisitPlan, plan_id, with_for_update=lock)


async def oldest_open_plan(session: AsyncSession, customer_id: str, up_to: date) -> VisitPlan | None:
    return await session.scalar(
        select(VisitPlan)
        .where(VisitPlan.customer_id == customer_id, VisitPlan.status == "planned", VisitPlan.period <= up_to)
        .order_by(VisitPlan.period)
        .limit(1)
        .with_for_update()
    )


@dataclass(frozen=True)
class PlanSearch:
    status: str | None = None
    period_up_to: date | None = None
    due_before: date | None = None
    due_from: date | None = None
    customer_id: str | None = None
    period: date | None = None


# By due day, the soonest first.
PLAN_KEYSET = Keyset((VisitPlan.due_on, VisitPlan.id), (date.fromisoformat, uuid.UUID), ascending=True)


def search_plans(where: PlanSearch) -> Select[VisitPlan]:
    query = where_given(
        select(VisitPlan),
        (VisitPlan.status, where.status),
        (VisitPlan.customer_id, where.customer_id),
        (VisitPlan.period, where.period),
    )
    if where.period_up_to is not None:
        query = query.where(VisitPlan.period <= where.period_up_to)
    return where_within(query, VisitPlan.due_on, where.due_from, where.due_before)


async def add_visit(session: AsyncSession, visit: Visit) -> None:
    session.add(visit)
    await session.flush()


async def get_visit(session: AsyncSession, visit_id: uuid.UUID) -> Visit | None:
    return await session.get(Visit, visit_id)


# Newest visit first.
VISIT_KEYSET = Keyset((Visit.visited_at, Visit.id), (datetime.fromisoformat, uuid.UUID))


def search_visits(where: VisitQuery) -> Select[Visit]:
    return where_given(select(Visit), (Visit.customer_id, where.customer_id), (Visit.visitor_id, where.visitor))


async def visits_between(session: AsyncSession, first: date, last: date, visitor_id: str | None) -> list[Visit]:
    query = select(Visit).where(Visit.visited_on >= first, Visit.visited_on <= last)
    if visitor_id is not None:
        query = query.where(Visit.visitor_id == visitor_id)
    return list((await session.scalars(query.order_by(Visit.visitor_id, Visit.visited_at, Visit.id))).all())


async def plan_counts(session: AsyncSession, period: date, today: date) -> tuple[int, int, int]:
    """(planned in total, done, overdue) of one month's plans."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(VisitPlan.status == "done"),
                func.count().filter(VisitPlan.status == "planned", VisitPlan.due_on < today),
            ).where(VisitPlan.period == period)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


# (name, sales owner, regional sales rep, who visited last): what decides a customer's visitor.
VisitorFacts = tuple[str, str | None, str | None, str | None]


async def visitor_facts(session: AsyncSession, customer_ids: list[str]) -> dict[str, VisitorFacts]:
    if not customer_ids:
        return {}
    last = (
        select(Visit.visitor_id)
        .where(Visit.customer_id == Customer.id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Customer.id, Customer.name, Customer.sales_owner, Customer.regional_sales_rep, last).where(
            Customer.id.in_(customer_ids)
        )
    )
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in rows}


async def open_plans_of(session: AsyncSession, customer_id: str) -> list[VisitPlan]:
    query = select(VisitPlan).where(VisitPlan.customer_id == customer_id, VisitPlan.status == "planned")
    return list((await session.scalars(query.order_by(VisitPlan.period))).all())
