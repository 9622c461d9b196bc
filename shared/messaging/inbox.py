"""The inbox: every applied event id is recorded under ``(consumer, event_id)`` in the transaction that
applies it, so a redelivered event changes nothing. A dead-lettered event is kept as failed, so its
replay is applied (SPEC §9)."""

from functools import cache
from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.messaging.incoming import Incoming
from shared.tables import platform_tables


@cache
def _claim_statement(schema: str) -> TextClause:
    return text(
        f"INSERT INTO {schema}.inbox AS seen (consumer, event_id, event_type) "
        "SELECT :consumer, ids.event_id, ids.event_type "
        "FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[])) AS ids(event_id, event_type) "
        # A row left by a dead-lettered attempt is claimed again: the inbox remembers that the event
        # failed, so its replay is applied. An applied one stays a duplicate.
        "ON CONFLICT (consumer, event_id) DO UPDATE SET outcome = 'applied', processed_at = now() "
        "WHERE seen.outcome = 'dead_lettered' RETURNING event_id"
    )


class Inbox:
    def __init__(self, schema: str, consumer: str) -> None:
        self.schema = schema
        self.consumer = consumer
        self.table = platform_tables(schema).inbox

    async def claim(self, session: AsyncSession, items: list[Incoming]) -> list[Incoming]:
        """Records the batch's event ids; returns the items not seen before, in their order."""
        by_id: dict[Any, Incoming] = {}
        for item in items:
            assert item.envelope is not None
            by_id.setdefault(item.envelope.id, item)
        # Two array parameters instead of a placeholder per event: the claim stays one cheap statement.
        rows: list[Row[Any]] = list(
            await session.execute(
                _claim_statement(self.schema),
                {
                    "consumer": self.consumer,
                    "ids": list(by_id),
                    "types": [item.envelope.type for item in by_id.values()],  # type: ignore[union-attr]
                },
            )
        )
        claimed = {row.event_id for row in rows}
        return [item for event_id, item in by_id.items() if event_id in claimed]

    async def mark_dead_lettered(self, session: AsyncSession, event_id: Any) -> None:
        await session.execute(
            self.table.update()
            .where(self.table.c.consumer == self.consumer, self.table.c.event_id == event_id)
            .values(outcome="dead_lettered")
        )
