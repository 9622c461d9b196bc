"""Customer decisions: tier, ownership, class, history and events (never commits)."""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.access import sees_everything
from services.crm.classes import service as classes
from services.crm.classes.rules import Classification, UnknownFactor, classify
from services.crm.complaints.schemas import ComplaintSummary
from services.crm.customers import repository
from services.crm.customers.models import Customer, TierChange
from services.crm.customers.rules import Tier, TierDecision, latest_revenue, ownership_of, tier_for
from services.crm.customers.schemas import (
    CustomerIn,
    CustomerOut,
    OwnershipOut,
    RegionOut,
    RevenueOut,
    TierChangeOut,
)
from shared.auth import Principal
from shared.events.crm import CustomerTierChangedV1, CustomerUpsertedV1, Region
from shared.http.problems import Problem, unprocessable
from shared.outbox import add_events


def refuse_takeover(existing: Customer | None, principal: Principal) -> None:
    """A sales rep keeps their hands off another rep's customer; managers may reassign."""
    if existing is None or sees_everything(principal) or existing.sales_owner in (None, principal.sub):
        return
    raise Problem(
        403, "not_your_customer", "Forbidden", f"customer {existing.id!r} belongs to sales rep {existing.sales_owner!r}"
    )


async def classification_of(session: AsyncSession, payload: CustomerIn, revenue: Decimal) -> Classification | None:
    """CRM-4: classified once nature, scale and trend are all known."""
    factors = (payload.nature, payload.scale, payload.trend)
    if all(factor is None for factor in factors):
        return None
    if payload.nature is None or payload.scale is None or payload.trend is None:
        raise unprocessable("incomplete_class_factors", "nature, scale and trend are given together or not at all")
    _, table = await classes.table_in_force(session)
    try:
        return classify(table, payload.nature, payload.scale, payload.trend, revenue)
    except UnknownFactor as exc:
        raise unprocessable("unknown_class_factor", str(exc)) from None


async def upsert_customer(
    session: AsyncSession,
    customer_id: str,
    payload: CustomerIn,
    principal: Principal,
    coefficients: Mapping[int, Decimal],
    today: date,
) -> tuple[Customer, dict[int, Decimal]]:
    """CRM-1…CRM-4: stores the customer, recomputes tier, ownership and class, records and publishes
    a tier change (CRM-3); every upsert publishes the customer."""
    await repository.lock_customer(session, customer_id)
    existing = await repository.get(session, customer_id)
    refuse_takeover(existing, principal)
    revenue_year = payload.revenue_year or today.year
    revenues = (await repository.revenues_of(session, [customer_id]))[customer_id] if existing else {}
    revenues[revenue_year] = payload.annual_revenue
    latest = latest_revenue(revenues)
    assert latest is not None
    year, revenue = latest
    decision = tier_for(revenue, payload.region.revenue_group, payload.provincial_designated, coefficients)
    classification = await classification_of(session, payload, revenue)
    now = datetime.now(UTC)
    previous_tier = existing.tier if existing else None
    customer = existing or Customer(id=customer_id, created_at=now)
    sales_owner = payload.sales_owner or (existing.sales_owner if existing else None)
    if sales_owner is None and not sees_everything(principal):
        sales_owner = principal.sub  # a rep who records a new customer owns it
    customer.name = payload.name
    customer.province = payload.region.province
    customer.city = payload.region.city
    customer.county = payload.region.county
    customer.revenue_group = payload.region.revenue_group
    customer.annual_revenue = revenue
    customer.revenue_year = year
    customer.provincial_designated = payload.provincial_designated
    customer.tier = decision.tier.value
    customer.tier_reason = decision.reason
    customer.owner_level = ownership_of(decision.tier).level.value
    customer.sales_owner = sales_owner
    customer.regional_sales_rep = payload.regional_sales_rep or sales_owner
    customer.nature, customer.scale, customer.trend = payload.nature, payload.scale, payload.trend
    customer.customer_class = classification.customer_class if classification else None
    customer.class_score = classification.score if classification else None
    customer.contract_signed_on = payload.contract_signed_on
    customer.updated_by = principal.sub
    customer.updated_at = now
    if existing is None:
        await repository.add(session, customer)
    await repository.put_revenue(session, customer_id, revenue_year, payload.annual_revenue)
    events: list[CustomerUpsertedV1 | CustomerTierChangedV1] = []
    if previous_tier != customer.tier:
        await repository.add_tier_change(session, tier_change(customer, previous_tier, decision, principal, now))
        events.append(tier_changed_event(customer, previous_tier, decision, now))
    events.append(upserted_event(customer))
    await session.flush()
    await add_events(session, list(events))
    return customer, revenues


def tier_change(
    customer: Customer, previous_tier: str | None, decision: TierDecision, principal: Principal, now: datetime
) -> TierChange:
    return TierChange(
        customer_id=customer.id,
        previous_tier=previous_tier,
        tier=decision.tier.value,
        owner_level=customer.owner_level,
        reason=decision.reason,
        annual_revenue=customer.annual_revenue,
        revenue_group=customer.revenue_group,
        provincial_designated=customer.provincial_designated,
        changed_by=principal.sub,
        changed_at=now,
    )


def tier_changed_event(
    customer: Customer, previous_tier: str | None, decision: TierDecision, now: datetime
) -> CustomerTierChangedV1:
    return CustomerTierChangedV1(
        customer_id=customer.id,
        previous_tier=previous_tier,
        tier=decision.tier.value,
        owner_level=customer.owner_level,
        reason=decision.reason,
        changed_at=now,
        name=customer.name,
        annual_revenue=customer.annual_revenue,
        provincial_designated=customer.provincial_designated,
    )


def upserted_event(customer: Customer) -> CustomerUpsertedV1:
    return CustomerUpsertedV1(
        customer_id=customer.id,
        name=customer.name,
        tier=customer.tier,
        owner_level=customer.owner_level,
        region=Region(
            province=customer.province,
            city=customer.city,
            county=customer.county,
            revenue_group=customer.revenue_group,
        ),
        annual_revenue=customer.annual_revenue,
        provincial_designated=customer.provincial_designated,
        sales_owner=customer.sales_owner,
        updated_at=customer.updated_at,
        revenue_year=customer.revenue_year,
        regional_sales_rep=customer.regional_sales_rep,
        customer_class=customer.customer_class,
    )


def to_out(
    customer: Customer, revenues: Mapping[int, Decimal], complaints: ComplaintSummary | None = None
) -> CustomerOut:
    ownership = ownership_of(Tier(customer.tier))
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        region=RegionOut(
            province=customer.province,
            city=customer.city,
            county=customer.county,
            revenue_group=customer.revenue_group,
        ),
        annual_revenue=customer.annual_revenue,
        revenue_year=customer.revenue_year,
        revenues=[RevenueOut(year=year, amount=revenues[year]) for year in sorted(revenues, reverse=True)],
        provincial_designated=customer.provincial_designated,
        tier=Tier(customer.tier),
        tier_reason=customer.tier_reason,
        owner_level=ownership.level,
        ownership=OwnershipOut(
            level=ownership.level,
            approved_by=ownership.approved_by,
            monitored_by=ownership.monitored_by,
            daily_maintenance=ownership.daily_maintenance,
        ),
        sales_owner=customer.sales_owner,
        regional_sales_rep=customer.regional_sales_rep,
        nature=customer.nature,
        scale=customer.scale,
        trend=customer.trend,
        customer_class=customer.customer_class,
        class_score=customer.class_score,
        contract_signed_on=customer.contract_signed_on,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        complaints=complaints,
    )


def history_out(change: TierChange) -> TierChangeOut:
    return TierChangeOut.model_validate(change, from_attributes=True)
