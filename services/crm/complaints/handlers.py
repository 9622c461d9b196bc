"""Intake's complaint events → crm's copy per customer (CRM-7)."""

from services.crm.complaints import service
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply_batch(service.record_received, ComplaintReceivedV1)
subscriptions.apply(service.record_status, ComplaintStatusChangedV1)
