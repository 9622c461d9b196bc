"""Consumed crm events → intake's copy of customer tiers (CMP-5, CRM-7). Intake never calls crm."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.customers import service
from shared.events import Envelope
from shared.events.crm import CustomerTierChangedV1, CustomerUpsertedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()


@subscriptions.on(CustomerUpsertedV1)
async def on_customer_upserted(session: AsyncSession, _: Envelope, customer: CustomerUpsertedV1) -> None:
    await service.record_upsert(session, customer)


@subscriptions.on(CustomerTierChangedV1)
async def on_tier_changed(session: AsyncSession, _: Envelope, change: CustomerTierChangedV1) -> None:
    await service.record_tier_change(session, change)
