"""Transactional outbox, the writing side: an event is a row the service adds in its own transaction
(never a commit here); ``shared.messaging.relay`` publishes the rows once committed."""

import json
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared import clock, context
from shared.events.envelope import Envelope
from shared.events.registry import EventData
from shared.tables import platform_tables


def envelope_for(data: EventData, *, event_time: datetime | None = None) -> Envelope:
    fields: dict[str, Any] = {
        "source": data.SOURCE,
        "type": data.TYPE,
        "subject": data.subject(),
        "correlationid": context.correlation_id.get(),
        "causationid": context.causation_id.get(),
        "data": data.model_dump(mode="json"),
    }
    if event_time is not None:
        fields["time"] = event_time
    return Envelope(**fields)


def envelope_sql(event: type[EventData], *, row: str, subject: str) -> str:
    """The envelope ``envelope_for`` makes, built by Postgres (jsonb) from ``row``, whose columns bear the
    event's field names and whose ``event_id`` column is the envelope's id. For events derived from rows
    a statement writes anyway, thousands at a time (an ERP push): no Python object per event. The field
    list is the event class's own, so the two cannot drift. Parameters: ``envelope_params()``."""
    data = ", ".join(f"'{name}', {row}.{name}" for name in event.model_fields)
    return (
        f"jsonb_build_object('specversion', '1.0', 'id', {row}.event_id, 'source', '{event.SOURCE}', "
        f"'type', '{event.TYPE}', 'time', CAST(:event_time AS timestamptz), 'subject', {subject}, "
        "'datacontenttype', 'application/json', 'correlationid', CAST(:correlationid AS text), "
        f"'causationid', CAST(:causationid AS text), 'data', jsonb_build_object({data}))"
    )


def envelope_params() -> dict[str, Any]:
    return {
        "event_time": clock.now(),
        "correlationid": context.correlation_id.get(),
        "causationid": context.causation_id.get(),
    }


def outbox_row(data: EventData) -> dict[str, Any]:
    envelope = envelope_for(data)
    return {
        "event_id": envelope.id,
        "topic": data.TOPIC,
        "key": data.key(),
        "event_type": data.TYPE,
        "payload": envelope.model_dump(mode="json"),
    }


async def add_events(session: AsyncSession, events: list[EventData]) -> None:
    """Writes events into the outbox inside the caller's transaction (never commits), in one
    statement however many there are (an ERP push brings thousands), in the order given."""
    if not events:
        return
    rows = [outbox_row(event) for event in events]
    await session.execute(
        _insert_events(session.info["schema"]),
        {
            "event_ids": [row["event_id"] for row in rows],
            "topics": [row["topic"] for row in rows],
            "keys": [row["key"] for row in rows],
            "event_types": [row["event_type"] for row in rows],
            "payloads": [json.dumps(row["payload"], ensure_ascii=False) for row in rows],
        },
    )


@cache
def _insert_events(schema: str) -> TextClause:
    return text(
        f"""
        INSERT INTO {platform_tables(schema).outbox.fullname} (event_id, topic, key, event_type, payload)
        SELECT u.event_id, u.topic, u.key, u.event_type, CAST(u.payload AS jsonb)
        FROM unnest(
            CAST(:event_ids AS uuid[]), CAST(:topics AS varchar[]), CAST(:keys AS varchar[]),
            CAST(:event_types AS varchar[]), CAST(:payloads AS text[])
        ) WITH ORDINALITY AS u(event_id, topic, key, event_type, payload, position)
        ORDER BY u.position
        """
    )


async def add_event(session: AsyncSession, event: EventData) -> None:
    await add_events(session, [event])
