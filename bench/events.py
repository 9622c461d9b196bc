"""Realistic ``qms.intake.return.recorded.v1`` events for the relay and consumer benchmarks."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.events.intake import ReturnRecordedV1
from shared.messaging.outbox import outbox_row

PRODUCTION_DATES = 10


def return_events(count: int, tag: str, units_per_key: int = 100) -> list[ReturnRecordedV1]:
    """``count`` lines of 1 unit spread over (model, production date) keys of ``units_per_key`` units
    each, so an aggregating consumer sees every key cross CLS-1's 50 once."""
    keys = max(1, count // units_per_key)
    returned_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    events = []
    for i in range(count):
        k = i % keys
        model = f"BM-{tag}-{k // PRODUCTION_DATES}"
        produced = date(2026, 11, 1) + timedelta(days=k % PRODUCTION_DATES)
        events.append(
            ReturnRecordedV1(
                line_id=f"ERP-{tag}-{i:07d}",
                model=model,
                production_date=produced,
                batch_no=f"B{produced:%Y%m%d}",
                shipped_batch_no=f"S-{tag}-{k}",
                quantity=1,
                customer_id="C-1001",
                reason="漏水",
                returned_at=returned_at,
            )
        )
    return events


def outbox_rows(events: list[ReturnRecordedV1], topic: str) -> list[dict[str, Any]]:
    """Outbox rows exactly as ``add_events`` writes them, sent to ``topic`` instead of the event's own."""
    return [{**outbox_row(event), "topic": topic} for event in events]


def wire_value(row: dict[str, Any]) -> bytes:
    """The bytes the relay puts on the wire for a row."""
    return json.dumps(row["payload"], ensure_ascii=False).encode()


def new_tag() -> str:
    return uuid.uuid4().hex[:8]
