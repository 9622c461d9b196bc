"""CRM-5 visit planning and visits in the service layer: a month plans each customer at the cadence of
its latest delivered project and its class, once however often it is generated, announcing each plan with
its expected visitor; a visit fulfils the oldest open plan (or the one named), is dated on the China day
and writes its events in the caller's transaction; a visit from the future is refused before anything is
written; open plans follow a new visitor; the daily and monthly reports count what was planned and done."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.customers.models import Customer
from services.crm.visits import service as visits
from services.crm.visits.models import Visit, VisitPlan
from services.crm.visits.schemas import ProjectIn, VisitIn
from shared import clock
from shared.auth import Principal
from shared.errors import Problem
from shared.workcalendar import CHINA
from tests.service.crm_rows import key_customer
from tests.service.outbox import outbox_event_types, outbox_events

PLANNER = Principal(sub="Q-01", name="周敏", roles=["quality_manager"])
OWNER = "S-01"
REGIONAL_REP = "S-09"
VISITOR = Principal(sub="CS-01", name="孙丽", roles=["customer_service"])
OTHER_VISITOR = Principal(sub="CS-02", name="李娜", roles=["customer_service"])
NOW = datetime(2026, 5, 20, 10, 0, tzinfo=CHINA)
PLANNED = "qms.crm.visit.planned.v1"
RECORDED = "qms.crm.visit.recorded.v1"
REASSIGNED = "qms.crm.visit.reassigned.v1"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service reads the time only through ``shared.clock``: every test runs at NOW."""
    monkeypatch.setattr(clock, "now", lambda: NOW.astimezone(UTC))


async def add_customer(
    session: AsyncSession,
    customer_class: str | None = None,
    sales_owner: str | None = OWNER,
    regional_sales_rep: str | None = REGIONAL_REP,
) -> str:
    customer_id = f"C-{uuid.uuid4().hex[:8]}"
    session.add(
        key_customer(
            customer_id,
            sales_owner=sales_owner,
            regional_sales_rep=regional_sales_rep,
            customer_class=customer_class,
            updated_by=PLANNER.sub,
        )
    )
    await session.flush()
    return customer_id


async def deliver(session: AsyncSession, customer_id: str, delivered_on: date) -> None:
    payload = ProjectIn.model_validate({"name": "二期生产线", "delivered_on": delivered_on.isoformat()})
    await visits.record_project(session, customer_id, "P-1", payload, PLANNER)


async def plans_of(session: AsyncSession, customer_id: str) -> list[VisitPlan]:
    rows = await session.scalars(
        select(VisitPlan).where(VisitPlan.customer_id == customer_id).order_by(VisitPlan.period)
    )
    return list(rows.all())


async def plan_in(session: AsyncSession, month: date, customer_id: str) -> list[tuple[Any, ...]]:
    """The plans ``plan_month`` creates for one customer, as (period, due_on, interval, basis, status, by)."""
    created, _ = await visits.plan_month(session, month, PLANNER.sub)
    return [
        (p.period, p.due_on, p.interval_months, p.basis, p.status, p.created_by)
        for p in created
        if p.customer_id == customer_id
    ]


def report(
    customer_id: str,
    visited_at: datetime,
    plan_id: uuid.UUID | None = None,
    visitor: Principal | None = None,
    **fields: object,
) -> VisitIn:
    given: dict[str, object] = {
        "customer_id": customer_id,
        "visited_at": visited_at.isoformat(),
        "opinions": "希望缩短交货期",
        "results": "确认了下季度订单",
        **fields,
    }
    if plan_id is not None:
        given["plan_id"] = str(plan_id)
    if visitor is not None:
        given["visitor"] = {"id": visitor.sub, "name": visitor.name}
    return VisitIn.model_validate(given)


async def visit_count(session: AsyncSession, customer_id: str) -> int:
    return int(await session.scalar(select(func.count()).where(Visit.customer_id == customer_id)) or 0)


# plan_month / generate_plans


async def test_crm5_a_class_b_customer_without_project_is_planned_every_second_month_from_january(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="B")
    march = await plan_in(crm_session, date(2026, 3, 1), customer_id)
    april = await plan_in(crm_session, date(2026, 4, 1), customer_id)
    may = await plan_in(crm_session, date(2026, 5, 1), customer_id)
    assert march == [(date(2026, 3, 1), date(2026, 3, 31), 2, "class_B", "planned", PLANNER.sub)]
    assert april == []
    assert may == [(date(2026, 5, 1), date(2026, 5, 31), 2, "class_B", "planned", PLANNER.sub)]


async def test_crm5_a_project_delivered_under_a_year_ago_is_planned_every_month_after_its_delivery(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session)
    await deliver(crm_session, customer_id, date(2026, 2, 10))
    february = await plan_in(crm_session, date(2026, 2, 1), customer_id)
    march = await plan_in(crm_session, date(2026, 3, 1), customer_id)
    april = await plan_in(crm_session, date(2026, 4, 1), customer_id)
    assert february == []
    assert march == [(date(2026, 3, 1), date(2026, 3, 31), 1, "project_first_year", "planned", PLANNER.sub)]
    assert april == [(date(2026, 4, 1), date(2026, 4, 30), 1, "project_first_year", "planned", PLANNER.sub)]


async def test_crm5_a_project_over_a_year_old_is_planned_quarterly_unless_the_class_wants_more(
    crm_session: AsyncSession,
) -> None:
    quarterly = await add_customer(crm_session)
    class_a = await add_customer(crm_session, customer_class="A")
    for customer_id in (quarterly, class_a):
        await deliver(crm_session, customer_id, date(2024, 11, 20))
    # From November 2024 every third month: February, May, August 2026 …
    assert await plan_in(crm_session, date(2026, 4, 1), quarterly) == []
    assert await plan_in(crm_session, date(2026, 5, 1), quarterly) == [
        (date(2026, 5, 1), date(2026, 5, 31), 3, "project_after_first_year", "planned", PLANNER.sub)
    ]
    assert await plan_in(crm_session, date(2026, 6, 1), class_a) == [
        (date(2026, 6, 1), date(2026, 6, 30), 1, "class_A", "planned", PLANNER.sub)
    ]


async def test_crm5_each_new_plan_is_announced_with_its_owner_as_visitor_never_the_regional_rep(
    crm_session: AsyncSession,
) -> None:
    owned = await add_customer(crm_session, customer_class="A")
    owned_by_local_rep = await add_customer(crm_session, customer_class="A", sales_owner=REGIONAL_REP)
    created, _ = await visits.plan_month(crm_session, date(2026, 4, 1), PLANNER.sub)
    plan_ids = {plan.customer_id: str(plan.id) for plan in created}

    [(owned_type, owned_event)] = await outbox_events(crm_session, owned)
    [(local_type, local_event)] = await outbox_events(crm_session, owned_by_local_rep)
    assert (owned_type, local_type) == (PLANNED, PLANNED)
    announced = [
        (e["plan_id"], e["customer_id"], e["customer_name"], e["month"], e["due_on"], e["visitor_id"])
        for e in (owned_event, local_event)
    ]
    assert announced == [
        (plan_ids[owned], owned, "华东机电", "2026-04", "2026-04-30", OWNER),
        (plan_ids[owned_by_local_rep], owned_by_local_rep, "华东机电", "2026-04", "2026-04-30", None),
    ]
    assert datetime.fromisoformat(owned_event["planned_at"]) == NOW


async def test_crm5_generating_a_month_again_adds_no_plan_and_announces_none(crm_session: AsyncSession) -> None:
    class_a = await add_customer(crm_session, customer_class="A")
    with_project = await add_customer(crm_session)
    await deliver(crm_session, with_project, date(2026, 1, 5))

    first = await visits.generate_plans(crm_session, "2026-04", PLANNER, date(2026, 4, 10))
    second = await visits.generate_plans(crm_session, "2026-04", PLANNER, date(2026, 4, 10))

    assert (first.created, first.already_planned) == (2, 0)
    assert sorted(item.customer_id for item in first.items) == sorted([class_a, with_project])
    assert (second.created, second.already_planned, second.items) == (0, 2, [])
    for customer_id in (class_a, with_project):
        assert [plan.period for plan in await plans_of(crm_session, customer_id)] == [date(2026, 4, 1)]
        assert await outbox_event_types(crm_session, customer_id) == [PLANNED]


# record_visit


async def planned_months(session: AsyncSession, customer_id: str, *months: int) -> list[VisitPlan]:
    for month in months:
        await visits.plan_month(session, date(2026, month, 1), PLANNER.sub)
    return await plans_of(session, customer_id)


async def test_crm5_a_visit_fulfils_the_oldest_open_plan_of_its_customer(crm_session: AsyncSession) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    march, april, may = await planned_months(crm_session, customer_id, 3, 4, 5)

    visit = await visits.record_visit(
        crm_session, report(customer_id, datetime(2026, 5, 10, 9, 0, tzinfo=CHINA)), VISITOR
    )

    assert visit.plan_id == march.id
    assert (visit.visitor_id, visit.visitor_name, visit.recorded_by) == (VISITOR.sub, VISITOR.name, VISITOR.sub)
    assert [(p.period, p.status, p.visit_id) for p in await plans_of(crm_session, customer_id)] == [
        (march.period, "done", visit.id),
        (april.period, "planned", None),
        (may.period, "planned", None),
    ]


async def test_crm5_a_visit_naming_a_plan_fulfils_that_plan(crm_session: AsyncSession) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    march, april, may = await planned_months(crm_session, customer_id, 3, 4, 5)

    visit = await visits.record_visit(
        crm_session, report(customer_id, datetime(2026, 5, 10, 9, 0, tzinfo=CHINA), plan_id=may.id), VISITOR
    )

    assert visit.plan_id == may.id
    assert [(p.period, p.status) for p in await plans_of(crm_session, customer_id)] == [
        (march.period, "planned"),
        (april.period, "planned"),
        (may.period, "done"),
    ]


async def test_crm5_a_visit_naming_the_plan_of_a_month_not_yet_begun_is_refused_and_writes_nothing(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    april, may = await planned_months(crm_session, customer_id, 4, 5)

    with pytest.raises(Problem) as refused:
        await visits.record_visit(
            crm_session, report(customer_id, datetime(2026, 4, 30, 23, 0, tzinfo=CHINA), plan_id=may.id), VISITOR
        )

    assert (refused.value.status, refused.value.code) == (422, "visit_plan_not_begun")
    assert refused.value.extensions == {"month": "2026-05"}
    assert await visit_count(crm_session, customer_id) == 0
    assert [(p.period, p.status) for p in await plans_of(crm_session, customer_id)] == [
        (april.period, "planned"),
        (may.period, "planned"),
    ]


async def test_crm5_a_visit_is_dated_on_its_china_day_and_fulfils_that_months_plan(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    [may] = await planned_months(crm_session, customer_id, 5)

    # 30 April 16:30 UTC is 1 May 00:30 in China: a May visit, so May's plan is fulfilled.
    visit = await visits.record_visit(
        crm_session, report(customer_id, datetime(2026, 4, 30, 16, 30, tzinfo=UTC)), VISITOR
    )

    assert (visit.visited_on, visit.plan_id) == (date(2026, 5, 1), may.id)


async def test_crm5_a_visit_writes_its_recorded_event_and_moves_the_open_plans_in_the_same_transaction(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    march, april = await planned_months(crm_session, customer_id, 3, 4)
    visited_at = datetime(2026, 4, 2, 15, 0, tzinfo=CHINA)

    visit = await visits.record_visit(crm_session, report(customer_id, visited_at), VISITOR)

    events = await outbox_events(crm_session, customer_id)
    assert [event_type for event_type, _ in events] == [PLANNED, PLANNED, RECORDED, REASSIGNED]
    recorded, reassigned = events[2][1], events[3][1]
    assert (recorded["visit_id"], recorded["plan_id"], recorded["customer_id"], recorded["visitor_id"]) == (
        str(visit.id),
        str(march.id),
        customer_id,
        VISITOR.sub,
    )
    assert datetime.fromisoformat(recorded["visited_at"]) == visited_at
    # The visitor expected so far was the owner; now it is who visited last, for the plan still open.
    assert (reassigned["plan_id"], reassigned["visitor_id"], reassigned["previous_visitor_id"]) == (
        str(april.id),
        VISITOR.sub,
        OWNER,
    )


async def test_crm5_a_visit_by_the_expected_visitor_announces_no_reassignment(crm_session: AsyncSession) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    await planned_months(crm_session, customer_id, 3, 4)
    owner = Principal(sub=OWNER, name="赵磊", roles=["sales"])

    await visits.record_visit(crm_session, report(customer_id, datetime(2026, 4, 2, 15, 0, tzinfo=CHINA)), owner)

    assert await outbox_event_types(crm_session, customer_id) == [
        PLANNED,
        PLANNED,
        RECORDED,
    ]


async def test_crm5_a_visit_just_within_the_clock_skew_is_recorded(crm_session: AsyncSession) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")

    visit = await visits.record_visit(crm_session, report(customer_id, NOW + timedelta(minutes=10)), VISITOR)

    assert (visit.visited_at, visit.visited_on) == (NOW + timedelta(minutes=10), date(2026, 5, 20))
    assert await visit_count(crm_session, customer_id) == 1


async def test_crm5_a_visit_dated_ahead_of_now_beyond_the_clock_skew_is_refused_and_writes_nothing(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    [may] = await planned_months(crm_session, customer_id, 5)

    with pytest.raises(Problem) as refused:
        await visits.record_visit(crm_session, report(customer_id, NOW + timedelta(minutes=10, seconds=1)), VISITOR)

    assert (refused.value.status, refused.value.code) == (422, "visit_in_future")
    assert await visit_count(crm_session, customer_id) == 0
    assert [(p.id, p.status, p.visit_id) for p in await plans_of(crm_session, customer_id)] == [
        (may.id, "planned", None)
    ]
    assert await outbox_event_types(crm_session, customer_id) == [PLANNED]


async def test_crm5_the_regional_sales_rep_is_refused_as_visitor_and_nothing_is_written(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    await planned_months(crm_session, customer_id, 5)
    local_rep = Principal(sub=REGIONAL_REP, name="吴强", roles=["sales"])

    with pytest.raises(Problem) as refused:
        await visits.record_visit(crm_session, report(customer_id, datetime(2026, 5, 10, tzinfo=CHINA)), local_rep)

    assert (refused.value.status, refused.value.code) == (422, "visitor_is_regional_sales_rep")
    assert await visit_count(crm_session, customer_id) == 0
    assert [p.status for p in await plans_of(crm_session, customer_id)] == ["planned"]
    assert await outbox_event_types(crm_session, customer_id) == [PLANNED]


# reassign_open_plans


async def test_crm5_a_reassigned_customer_moves_its_open_plans_to_the_new_visitor_and_leaves_done_ones(
    crm_session: AsyncSession,
) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    march, april, may = await planned_months(crm_session, customer_id, 3, 4, 5)
    march.status = "done"
    customer = await crm_session.get(Customer, customer_id)
    assert customer is not None
    customer.sales_owner = "S-02"
    await crm_session.flush()

    await visits.reassign_open_plans(crm_session, customer_id, OWNER, NOW)

    moved = [data for event_type, data in await outbox_events(crm_session, customer_id) if event_type == REASSIGNED]
    assert [(e["plan_id"], e["customer_id"], e["visitor_id"], e["previous_visitor_id"]) for e in moved] == [
        (str(april.id), customer_id, "S-02", OWNER),
        (str(may.id), customer_id, "S-02", OWNER),
    ]
    assert datetime.fromisoformat(moved[0]["reassigned_at"]) == NOW


async def test_crm5_an_unchanged_visitor_moves_no_plan(crm_session: AsyncSession) -> None:
    customer_id = await add_customer(crm_session, customer_class="A")
    await planned_months(crm_session, customer_id, 4, 5)

    await visits.reassign_open_plans(crm_session, customer_id, OWNER, NOW)

    assert await outbox_event_types(crm_session, customer_id) == [PLANNED, PLANNED]


# daily_report / monthly_report


async def test_crm5_the_daily_report_counts_each_visitors_visits_of_the_china_day(crm_session: AsyncSession) -> None:
    first, second, third = [await add_customer(crm_session) for _ in range(3)]
    day = date(2026, 5, 10)
    await visits.record_visit(crm_session, report(first, datetime(2026, 5, 10, 9, 0, tzinfo=CHINA)), VISITOR)
    await visits.record_visit(crm_session, report(second, datetime(2026, 5, 10, 23, 30, tzinfo=CHINA)), VISITOR)
    await visits.record_visit(crm_session, report(third, datetime(2026, 5, 10, 14, 0, tzinfo=CHINA)), OTHER_VISITOR)
    # 10 May 16:30 UTC is already 11 May in China.
    await visits.record_visit(crm_session, report(third, datetime(2026, 5, 10, 16, 30, tzinfo=UTC)), VISITOR)

    everyone = await visits.daily_report(crm_session, day, None)
    one = await visits.daily_report(crm_session, day, OTHER_VISITOR.sub)

    assert (everyone.date, everyone.total) == (day, 3)
    assert [(v.visitor_id, v.visitor_name, [x.customer_id for x in v.visits]) for v in everyone.visitors] == [
        (VISITOR.sub, VISITOR.name, [first, second]),
        (OTHER_VISITOR.sub, OTHER_VISITOR.name, [third]),
    ]
    assert (one.total, [(v.visitor_id, len(v.visits)) for v in one.visitors]) == (1, [(OTHER_VISITOR.sub, 1)])


async def test_crm5_the_monthly_report_counts_the_months_plans_visits_and_remarks(crm_session: AsyncSession) -> None:
    # Three customers planned in April: two are visited then, the third never.
    first, second, _ = [await add_customer(crm_session, customer_class="A") for _ in range(3)]
    await visits.plan_month(crm_session, date(2026, 4, 1), PLANNER.sub)
    await visits.record_visit(
        crm_session,
        report(first, datetime(2026, 4, 8, 10, 0, tzinfo=CHINA), competitor_moves="对手降价5%", urgent=True),
        VISITOR,
    )
    await visits.record_visit(
        crm_session,
        report(second, datetime(2026, 4, 20, 10, 0, tzinfo=CHINA), market_information="铜价上涨"),
        OTHER_VISITOR,
    )
    # A May visit (of a customer with no plan) is not April's.
    unplanned = await add_customer(crm_session)
    await visits.record_visit(crm_session, report(unplanned, datetime(2026, 5, 2, 10, 0, tzinfo=CHINA)), VISITOR)

    during = await visits.monthly_report(crm_session, "2026-04", date(2026, 4, 25))
    after = await visits.monthly_report(crm_session, "2026-04", date(2026, 5, 20))

    assert (during.planned, during.done, during.open, during.overdue, during.visits) == (3, 2, 1, 0, 2)
    assert (after.planned, after.done, after.open, after.overdue, after.visits) == (3, 2, 1, 1, 2)
    assert [(c.visitor_id, c.visits) for c in after.by_visitor] == [(VISITOR.sub, 1), (OTHER_VISITOR.sub, 1)]
    assert [v.customer_id for v in after.urgent] == [first]
    assert [(r.customer_id, r.visited_on, r.text) for r in after.competitor_moves] == [
        (first, date(2026, 4, 8), "对手降价5%")
    ]
    assert [(r.customer_id, r.visited_on, r.text) for r in after.market_information] == [
        (second, date(2026, 4, 20), "铜价上涨")
    ]
