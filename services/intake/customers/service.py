"""Customer tiers as intake knows them (CMP-5): crm decides them, intake only keeps a copy."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.customers import repository
from shared.events.crm import CustomerTierChangedV1, CustomerUpsertedV1


async def record_upsert(session: AsyncSession, event: CustomerUpsertedV1) -> None:
    await repository.upsert_tier(session, event.customer_id, event.tier, event.updated_at, event.name)


async def record_tier_change(session: AsyncSession, event: CustomerTierChangedV1) -> None:
    await repository.upsert_tier(session, event.customer_id, event.tier, event.changed_at, None)
