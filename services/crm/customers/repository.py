"""All SQL of customers, their revenues and tier history."""

from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.customers.models import Customer, CustomerRevenue, TierChange
from services.crm.customers.schemas import CustomerQuery
from shared.http.pagination import Keyset
from shared.queries import where_given
from shared.search import contains_text


async def lock_customer(session: AsyncSession, customer_id: str) -> None:
    """Serialises upserts of one customer (the first one of a new id included) until commit."""
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 6))"), {"id": customer_id})


async def get(session: AsyncSession, customer_id: str) -> Customer | None:
    return await session.get(Customer, customer_id)


async def get_many(session: AsyncSession, customer_ids: set[str]) -> dict[str, Customer]:
    if not customer_ids:
        return {}
    rows = await session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
    return {customer.id: customer for customer in rows}


async def add(session: AsyncSession, customer: Customer) -> None:
    session.add(customer)
    await session.flush()


async def revenues_of(session: AsyncSession, customer_ids: list[str]) -> dict[str, dict[int, Decimal]]:
    found: dict[str, dict[int, Decimal]] = {customer_id: {} for customer_id in customer_ids}
    rows = await session.execute(
        select(CustomerRevenue.customer_id, CustomerRevenue.year, CustomerRevenue.amount).where(
            CustomerRevenue.customer_id.in_(customer_ids)
        )
    )
    for customer_id, year, amount in rows:
        found[customer_id][year] = amount
    return found


async def put_revenue(session: AsyncSession, customer_id: str, year: int, amount: Decimal) -> None:
    statement = insert(CustomerRevenue).values(customer_id=customer_id, year=year, amount=amount)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CustomerRevenue.customer_id, CustomerRevenue.year], set_={"amount": amount}
        )
    )


async def add_tier_change(session: AsyncSession, change: TierChange) -> None:
    session.add(change)
    await session.flush()


async def tier_history(session: AsyncSession, customer_id: str) -> list[TierChange]:
    rows = await session.scalars(
        select(TierChange).where(TierChange.customer_id == customer_id).order_by(TierChange.id)
    )
    return list(rows.all())


def customer_id_of(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a customer id is text")
    return value


# By id, first first.
KEYSET = Keyset((Customer.id,), (customer_id_of,), ascending=True)


def search(where: CustomerQuery) -> Select[Customer]:
    query = where_given(
        select(Customer),
        (Customer.tier, where.tier),
        (Customer.customer_class, where.customer_class),
        (Customer.province, where.province),
        (Customer.city, where.city),
        (Customer.county, where.county),
        (Customer.sales_owner, where.owner),
        (Customer.owner_level, where.owner_level),
    )
    if where.q is not None:
        query = query.where(contains_text(Customer.name_grams, (Customer.name,), where.q))
    return query


async def factor_values_in_use(session: AsyncSession) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"nature": set(), "scale": set(), "trend": set()}
    for factor, column in (("nature", Customer.nature), ("scale", Customer.scale), ("trend", Customer.trend)):
        rows = await session.scalars(select(func.distinct(column)).where(column.is_not(None)))
        found[factor] = {value for value in rows if value is not None}
    return found


async def classified(session: AsyncSession) -> list[Customer]:
    """Customers with all CRM-4 factors, locked: a new scoring table reclassifies them."""
    query = (
        select(Customer)
        .where(Customer.nature.is_not(None), Customer.scale.is_not(None), Customer.trend.is_not(None))
        .order_by(Customer.id)
        .with_for_update()
    )
    return list((await session.scalars(query)).all())
