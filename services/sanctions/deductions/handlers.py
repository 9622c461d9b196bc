"""Consumed concession deductions → supplier totals (SAN-7)."""

from services.sanctions.deductions import service
from shared.events.classification import SupplierDeductionRecordedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply_batch(service.record, SupplierDeductionRecordedV1)
