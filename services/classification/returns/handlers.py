"""Consumed return lines → aggregates, one set-based pass per fetched batch (CLS-2)."""

from services.classification.returns import service
from shared.events.intake import ReturnRecordedV1
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.apply_batch(service.record_returns, ReturnRecordedV1)
