"""All SQL of intake's customer-tier copy."""

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.customers.models import CustomerTier


async def upsert_tier(
    session: AsyncSession, customer_id: str, tier: str, changed_at: datetime, name: str | None
) -> None:
    """Keeps the newest fact: an older event arriving late never overwrites a newer tier."""
    statement = insert(CustomerTier).values(customer_id=customer_id, tier=tier, changed_at=changed_at, name=name)
    statement = statement.on_conflict_do_update(
        index_elements=[CustomerTier.customer_id],
        set_={
            "tier": statement.excluded.tier,
            "changed_at": statement.excluded.changed_at,
            "name": func.coalesce(statement.excluded.name, CustomerTier.name),
        },
        where=CustomerTier.changed_at <= statement.excluded.changed_at,
    )
    await session.execute(statement)
