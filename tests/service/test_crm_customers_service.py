"""CRM-1…CRM-3 and SPEC §7 customer orchestration in the service layer: an upsert decides the tier from
the facts, stores it with its reason and its ownership, records a tier change with its event in the
caller's transaction, and refuses — before anything is written — an incomplete new customer, another
rep's customer and a field the caller's roles may not set."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.customers import repository
from services.crm.customers import service as customers
from services.crm.customers.models import Customer, TierChange
from services.crm.customers.schemas import CustomerIn
from shared.auth import Principal
from shared.errors import Problem
from tests.service.outbox import outbox_events

ADMIN = Principal(sub="A-01", roles=["admin_dept"])
ERP = Principal(sub="ERP", roles=["erp"])
REP = Principal(sub="S-01", name="赵磊", roles=["sales"])
OTHER_REP = Principal(sub="S-02", name="钱伟", roles=["sales"])
COEFFICIENTS = {1: Decimal("1"), 2: Decimal("0.9"), 3: Decimal("0.8")}
TODAY = date(2026, 11, 3)
UPSERTED = "qms.crm.customer.upserted.v1"
TIER_CHANGED = "qms.crm.customer.tier_changed.v1"


def new_id() -> str:
    return f"C-{uuid.uuid4().hex[:8]}"


def body(revenue: str | None = None, group: int = 1, **fields: object) -> CustomerIn:
    given: dict[str, object] = {"name": "华东机电", "region": {"province": "广东", "revenue_group": group}, **fields}
    if revenue is not None:
        given["annual_revenue"] = revenue
    return CustomerIn.model_validate(given)


async def upsert(session: AsyncSession, customer_id: str, payload: CustomerIn, principal: Principal) -> Customer:
    customer, _ = await customers.upsert_customer(session, customer_id, payload, principal, COEFFICIENTS, TODAY)
    return customer


async def history_of(session: AsyncSession, customer_id: str) -> list[tuple[str | None, str, str, str]]:
    changes = await repository.tier_history(session, customer_id)
    return [(change.previous_tier, change.tier, change.owner_level, change.reason) for change in changes]


async def test_crm1_a_new_customer_at_the_vip_entry_of_group_1_is_vip_with_its_history_and_events(
    crm_session: AsyncSession,
) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("10000.00"), ADMIN)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.tier_reason, stored.owner_level) == (
        "vip",
        "annual revenue 10000.00 >= 10000.00 (revenue group 1)",
        "county",
    )
    assert (stored.annual_revenue, stored.revenue_year) == (Decimal("10000.00"), 2026)
    assert await history_of(crm_session, customer_id) == [
        (None, "vip", "county", "annual revenue 10000.00 >= 10000.00 (revenue group 1)")
    ]
    [(changed_type, changed), (upserted_type, upserted)] = await outbox_events(crm_session, customer_id)
    assert (changed_type, upserted_type) == (TIER_CHANGED, UPSERTED)
    assert (changed["customer_id"], changed["previous_tier"], changed["tier"], changed["owner_level"]) == (
        customer_id,
        None,
        "vip",
        "county",
    )
    assert changed["reason"] == "annual revenue 10000.00 >= 10000.00 (revenue group 1)"
    assert (upserted["tier"], upserted["owner_level"], Decimal(upserted["annual_revenue"])) == (
        "vip",
        "county",
        Decimal("10000.00"),
    )


async def test_crm1_a_new_customer_a_cent_below_the_vip_entry_is_not_a_key_account(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("9999.99"), ADMIN)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.tier_reason, stored.owner_level) == (
        "none",
        "annual revenue 9999.99 < 10000.00 (revenue group 1)",
        "local",
    )
    assert await history_of(crm_session, customer_id) == [
        (None, "none", "local", "annual revenue 9999.99 < 10000.00 (revenue group 1)")
    ]


async def test_crm1_group_3_lowers_the_vip_entry_to_8000(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("8000.00", group=3), ADMIN)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.tier_reason) == ("vip", "annual revenue 8000.00 >= 8000.00 (revenue group 3)")


async def test_crm1_designation_by_the_provincial_company_makes_a_small_customer_diamond(
    crm_session: AsyncSession,
) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("5000.00", provincial_designated=True), ADMIN)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.tier_reason, stored.owner_level) == (
        "diamond",
        "designated by the provincial company",
        "provincial",
    )


async def test_crm1_the_tier_uses_the_latest_year_on_record(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("150000.00"), ADMIN)
    await upsert(crm_session, customer_id, body("6000000.00", revenue_year=2025), ERP)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.annual_revenue, stored.revenue_year) == ("vip", Decimal("150000.00"), 2026)
    assert await repository.revenues_of(crm_session, [customer_id]) == {
        customer_id: {2025: Decimal("6000000.00"), 2026: Decimal("150000.00")}
    }
    assert [previous_and_tier[:2] for previous_and_tier in await history_of(crm_session, customer_id)] == [
        (None, "vip")
    ]


async def test_crm3_revenue_crossing_into_gold_records_the_change_vip_to_gold_and_its_event(
    crm_session: AsyncSession,
) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("199999.99"), ADMIN)
    await upsert(crm_session, customer_id, CustomerIn.model_validate({"annual_revenue": "200000.00"}), ERP)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.owner_level, stored.updated_by) == ("gold", "city", "ERP")
    assert await history_of(crm_session, customer_id) == [
        (None, "vip", "county", "annual revenue 199999.99 >= 10000.00 (revenue group 1)"),
        ("vip", "gold", "city", "annual revenue 200000.00 >= 200000.00"),
    ]
    [latest] = (await repository.tier_history(crm_session, customer_id))[1:]
    assert (latest.changed_by, latest.annual_revenue) == ("ERP", Decimal("200000.00"))
    events = await outbox_events(crm_session, customer_id)
    assert [event_type for event_type, _ in events] == [TIER_CHANGED, UPSERTED, TIER_CHANGED, UPSERTED]
    changed = events[2][1]
    assert (changed["previous_tier"], changed["tier"], changed["owner_level"], changed["reason"]) == (
        "vip",
        "gold",
        "city",
        "annual revenue 200000.00 >= 200000.00",
    )
    assert (changed["name"], Decimal(changed["annual_revenue"])) == ("华东机电", Decimal("200000.00"))
    assert events[3][1]["tier"] == "gold"


async def test_crm3_an_update_within_the_tier_records_no_tier_change_and_publishes_only_the_customer(
    crm_session: AsyncSession,
) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("150000.00"), ADMIN)
    await upsert(crm_session, customer_id, CustomerIn.model_validate({"annual_revenue": "199999.99"}), ERP)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.annual_revenue, stored.tier_reason) == (
        "vip",
        Decimal("199999.99"),
        "annual revenue 199999.99 >= 10000.00 (revenue group 1)",
    )
    assert len(await history_of(crm_session, customer_id)) == 1
    events = await outbox_events(crm_session, customer_id)
    assert [event_type for event_type, _ in events] == [TIER_CHANGED, UPSERTED, UPSERTED]
    assert Decimal(events[2][1]["annual_revenue"]) == Decimal("199999.99")


async def count(session: AsyncSession, customer_id: str) -> tuple[int, int, int]:
    """The customer's rows, tier changes and outbox rows."""
    customers_found = await session.scalar(select(func.count()).where(Customer.id == customer_id))
    changes = await session.scalar(select(func.count()).where(TierChange.customer_id == customer_id))
    events = await session.scalar(text("SELECT count(*) FROM crm.outbox WHERE key = :key"), {"key": customer_id})
    return customers_found or 0, changes or 0, events or 0


async def test_sec7_a_new_customer_without_a_region_is_refused_and_nothing_is_written(
    crm_session: AsyncSession,
) -> None:
    customer_id = new_id()
    payload = CustomerIn.model_validate({"name": "华东机电", "annual_revenue": "300000.00"})

    with pytest.raises(Problem) as refused:
        await upsert(crm_session, customer_id, payload, ADMIN)

    assert (refused.value.status, refused.value.code, refused.value.extensions["fields"]) == (
        422,
        "missing_fields",
        ["region"],
    )
    assert await count(crm_session, customer_id) == (0, 0, 0)
    assert await repository.revenues_of(crm_session, [customer_id]) == {customer_id: {}}


async def test_sec7_a_new_customer_without_name_and_region_names_both(crm_session: AsyncSession) -> None:
    customer_id = new_id()

    with pytest.raises(Problem) as refused:
        await upsert(crm_session, customer_id, CustomerIn.model_validate({"annual_revenue": "300000.00"}), ADMIN)

    assert (refused.value.status, refused.value.code, refused.value.extensions["fields"]) == (
        422,
        "missing_fields",
        ["name", "region"],
    )
    assert await count(crm_session, customer_id) == (0, 0, 0)


async def test_sec7_a_rep_cannot_take_over_another_reps_customer(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("150000.00", sales_owner=REP.sub), ADMIN)

    with pytest.raises(Problem) as refused:
        await upsert(crm_session, customer_id, CustomerIn.model_validate({"name": "改名"}), OTHER_REP)

    assert (refused.value.status, refused.value.code) == (403, "not_your_customer")
    assert refused.value.detail == f"customer {customer_id!r} belongs to sales rep 'S-01'"
    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.name, stored.sales_owner, stored.updated_by) == ("华东机电", "S-01", "A-01")
    assert await count(crm_session, customer_id) == (1, 1, 2)


async def test_sec7_the_owning_rep_edits_the_name_of_their_customer(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("150000.00", sales_owner=REP.sub), ADMIN)

    await upsert(crm_session, customer_id, CustomerIn.model_validate({"name": "改名"}), REP)

    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.name, stored.sales_owner, stored.updated_by, stored.tier) == ("改名", "S-01", "S-01", "vip")


async def test_sec7_a_rep_may_not_set_revenue_or_designation_of_their_own_customer(crm_session: AsyncSession) -> None:
    customer_id = new_id()
    await upsert(crm_session, customer_id, body("150000.00", sales_owner=REP.sub), ADMIN)
    payload = CustomerIn.model_validate({"annual_revenue": "6000000.00", "provincial_designated": True})

    with pytest.raises(Problem) as refused:
        await upsert(crm_session, customer_id, payload, REP)

    assert (refused.value.status, refused.value.code, refused.value.extensions["fields"]) == (
        403,
        "field_not_permitted",
        ["annual_revenue", "provincial_designated"],
    )
    stored = await crm_session.get(Customer, customer_id)
    assert stored is not None
    assert (stored.tier, stored.annual_revenue, stored.provincial_designated) == ("vip", Decimal("150000.00"), False)
    assert await repository.revenues_of(crm_session, [customer_id]) == {customer_id: {2026: Decimal("150000.00")}}
    assert await count(crm_session, customer_id) == (1, 1, 2)


async def test_sec7_a_rep_recording_a_new_customer_may_not_give_it_revenue(crm_session: AsyncSession) -> None:
    customer_id = new_id()

    with pytest.raises(Problem) as refused:
        await upsert(crm_session, customer_id, body("300000.00"), REP)

    assert (refused.value.status, refused.value.code, refused.value.extensions["fields"]) == (
        403,
        "field_not_permitted",
        ["annual_revenue"],
    )
    assert await count(crm_session, customer_id) == (0, 0, 0)
