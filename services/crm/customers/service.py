"""Customer decisions: tier, ownership, class, history and events (never commits)."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.classes import service as classes
from services.crm.classes.rules import Classification, classify
from services.crm.customers import repository
from services.crm.customers.models import Customer, TierChange
from services.crm.customers.rules import (
    TierDecision,
    fields_not_permitted,
    latest_revenue,
    ownership_of,
    tier_for,
    writes_own_customers_only,
)
from services.crm.customers.schemas import CustomerIn, RegionIn
from services.crm.visits import service as visits
from shared import clock
from shared.auth import Principal
from shared.errors import Problem, found, unprocessable
from shared.events.crm import CustomerTierChangedV1, CustomerUpsertedV1, Region
from shared.messaging.outbox import add_events
from shared.schemas import attributes_of
from shared.search import text_grams


async def customer_of(session: AsyncSession, customer_id: str) -> Customer:
    return found(await repository.get(session, customer_id), "customer", customer_id)


def refuse_takeover(existing: Customer | None, principal: Principal) -> None:
    """SPEC §7: a sales rep edits only the customers they own — another rep's or an unowned one is the
    manager's to assign."""
    if existing is None or not writes_own_customers_only(principal.roles) or existing.sales_owner == principal.sub:
        return
    owner = f"belongs to sales rep {existing.sales_owner!r}" if existing.sales_owner else "has no sales owner yet"
    raise Problem(403, "not_your_customer", "Forbidden", f"customer {existing.id!r} {owner}")


def stored_fields(
    existing: Customer | None, revenues: Mapping[int, Decimal], revenue_year: int, principal: Principal
) -> dict[str, object]:
    """What each field holds now; for a new customer, what it gets when the body leaves it out."""
    if existing is None:
        owner = principal.sub if writes_own_customers_only(principal.roles) else None  # a rep owns what they record
        return {"provincial_designated": False, "sales_owner": owner, "regional_sales_rep": owner}
    return {
        "name": existing.name,
        "region": {
            "province": existing.province,
            "city": existing.city,
            "county": existing.county,
            "revenue_group": existing.revenue_group,
        },
        "contact": existing.contact,
        "annual_revenue": revenues.get(revenue_year),
        "provincial_designated": existing.provincial_designated,
        "sales_owner": existing.sales_owner,
        "regional_sales_rep": existing.regional_sales_rep,
        "nature": existing.nature,
        "scale": existing.scale,
        "trend": existing.trend,
        "contract_signed_on": existing.contract_signed_on,
    }


def refuse_fields_not_permitted(
    principal: Principal, stored: Mapping[str, object], wanted: Mapping[str, object]
) -> None:
    """SPEC §7: a field the caller may not set may only repeat its stored value; every other one is named."""
    refused = fields_not_permitted(principal.roles, stored, wanted)
    if refused:
        raise Problem(
            403,
            "field_not_permitted",
            "Forbidden",
            f"your roles may not change: {', '.join(refused)}",
            fields=refused,
        )


def merged_fields(stored: Mapping[str, object], wanted: Mapping[str, object]) -> dict[str, object]:
    """The customer after this PUT: what the body gives, over what is stored."""
    merged = {**stored, **wanted}
    if merged.get("regional_sales_rep") is None:
        merged["regional_sales_rep"] = merged.get("sales_owner")
    return merged


async def classification_of(
    session: AsyncSession, facts: Mapping[str, object], revenue: Decimal
) -> Classification | None:
    """CRM-4: classified once nature, scale and trend are all known."""
    nature, scale, trend = (facts.get(factor) for factor in ("nature", "scale", "trend"))
    if nature is None and scale is None and trend is None:
        return None
    if not (isinstance(nature, str) and isinstance(scale, str) and isinstance(trend, str)):
        raise unprocessable("incomplete_class_factors", "nature, scale and trend are given together or not at all")
    _, table = await classes.table_in_force(session)
    return classify(table, nature, scale, trend, revenue)


def refuse_incomplete_new_customer(customer_id: str, facts: Mapping[str, object]) -> None:
    missing = [field for field in ("name", "region") if facts.get(field) is None]
    if missing:
        raise unprocessable(
            "missing_fields", f"a new customer {customer_id!r} needs {' and '.join(missing)}", fields=missing
        )


async def upsert_customer(
    session: AsyncSession,
    customer_id: str,
    payload: CustomerIn,
    principal: Principal,
    coefficients: Mapping[int, Decimal],
    today: date,
) -> tuple[Customer, dict[int, Decimal]]:
    """CRM-1…CRM-4 under SPEC §7: sets the fields the body gives and the caller may set, recomputes
    tier, ownership and class, records and publishes a tier change (CRM-3); every upsert publishes the
    customer. Refused before anything is written."""
    await repository.lock_customer(session, customer_id)
    existing = await repository.get(session, customer_id)
    refuse_takeover(existing, principal)
    previous_visitor = await visits.visitor_of(session, customer_id) if existing else None
    revenue_year = payload.revenue_year or today.year
    revenues = (await repository.revenues_of(session, [customer_id]))[customer_id] if existing else {}
    stored = stored_fields(existing, revenues, revenue_year, principal)
    wanted = payload.given()
    refuse_fields_not_permitted(principal, stored, wanted)
    facts = merged_fields(stored, wanted)
    if existing is None:
        refuse_incomplete_new_customer(customer_id, facts)
    if payload.annual_revenue is not None:
        revenues[revenue_year] = payload.annual_revenue
    year, revenue = latest_revenue(revenues) or (today.year, Decimal("0.00"))
    region = RegionIn.model_validate(facts["region"])
    designated = bool(facts["provincial_designated"])
    decision = tier_for(revenue, region.revenue_group, designated, coefficients)
    classification = await classification_of(session, facts, revenue)
    now = clock.now()
    previous_tier = existing.tier if existing else None
    customer = existing or Customer(id=customer_id, created_at=now)
    customer.name = str(facts["name"])
    customer.name_grams = text_grams(customer.name)
    customer.province, customer.city, customer.county = region.province, region.city, region.county
    customer.revenue_group = region.revenue_group
    contact = facts.get("contact")
    customer.contact = dict(contact) if isinstance(contact, dict) else None
    customer.annual_revenue = revenue
    customer.revenue_year = year
    customer.provincial_designated = designated
    customer.tier = decision.tier.value
    customer.tier_reason = decision.reason
    customer.owner_level = ownership_of(decision.tier).level.value
    customer.sales_owner = optional_text(facts["sales_owner"])
    customer.regional_sales_rep = optional_text(facts["regional_sales_rep"])
    customer.nature = optional_text(facts.get("nature"))
    customer.scale = optional_text(facts.get("scale"))
    customer.trend = optional_text(facts.get("trend"))
    customer.customer_class = classification.customer_class if classification else None
    customer.class_score = classification.score if classification else None
    signed_on = facts.get("contract_signed_on")
    customer.contract_signed_on = signed_on if isinstance(signed_on, date) else None
    customer.updated_by = principal.sub
    customer.updated_at = now
    if existing is None:
        await repository.add(session, customer)
    if payload.annual_revenue is not None:
        await repository.put_revenue(session, customer_id, revenue_year, payload.annual_revenue)
    events: list[CustomerUpsertedV1 | CustomerTierChangedV1] = []
    if previous_tier != customer.tier:
        change = tier_change(customer, previous_tier, decision, principal, now)
        await repository.add_tier_change(session, change)
        events.append(tier_changed_event(customer, change))
    events.append(upserted_event(customer))
    await session.flush()
    await add_events(session, list(events))
    if existing is not None:
        await visits.reassign_open_plans(session, customer_id, previous_visitor, now)
    return customer, revenues


def optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


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


def tier_changed_event(customer: Customer, change: TierChange) -> CustomerTierChangedV1:
    """CRM-3: the recorded change (its revenue and designation are the customer's), and the customer's name."""
    return CustomerTierChangedV1(**attributes_of(change, CustomerTierChangedV1), name=customer.name)


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
