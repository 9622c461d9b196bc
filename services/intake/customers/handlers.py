"""Consumed crm events → intake's copy of customer tiers (CMP-5, CRM-7). Intake never calls crm."""

from services.intake.customers import service
from shared.events.crm import CustomerTierChangedV1, CustomerUpsertedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply(service.record_upsert, CustomerUpsertedV1)
subscriptions.apply(service.record_tier_change, CustomerTierChangedV1)
