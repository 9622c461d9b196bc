"""Retention: the platform rows a service keeps only for a while — inbox rows, published outbox rows
and idempotency keys — are deleted once older than ``retention_days``, in bounded batches, by a job
each service runs beside its consumer and relay.

An outbox row still listed in ``outbox_unpublished`` is never deleted, however old: it has not reached
the broker yet. Published rows stay for the whole retention window, so events can be re-published from
them (``replay-outbox``, or after the broker lost its log). An inbox row older than the window no
longer shields its event from a redelivery; the window is far longer than any broker retains a record
a consumer has not committed yet.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.observability import ROWS_PRUNED
from shared.settings import ServiceSettings

log = logging.getLogger("qms.retention")

# Rows one delete takes: each batch is its own short transaction, so the tables' writers barely wait.
PRUNE_BATCH = 1000
# The first prune waits this long after start, so it never competes with a service's start-up.
FIRST_PRUNE_AFTER_S = 60.0


@cache
def prune_statements(schema: str) -> dict[str, TextClause]:
    """One bounded delete per platform table, each returning how many rows it took by rowcount."""
    return {
        "inbox": text(
            f"DELETE FROM {schema}.inbox WHERE ctid = ANY(ARRAY("
            f"SELECT ctid FROM {schema}.inbox WHERE processed_at < :cutoff LIMIT :batch))"
        ),
        "outbox": text(
            f"DELETE FROM {schema}.outbox WHERE id = ANY(ARRAY("
            f"SELECT o.id FROM {schema}.outbox o WHERE o.created_at < :cutoff "
            f"AND NOT EXISTS (SELECT 1 FROM {schema}.outbox_unpublished u WHERE u.id = o.id) "
            "ORDER BY o.created_at LIMIT :batch))"
        ),
        "idempotency_keys": text(
            f"DELETE FROM {schema}.idempotency_keys WHERE ctid = ANY(ARRAY("
            f"SELECT ctid FROM {schema}.idempotency_keys WHERE created_at < :cutoff LIMIT :batch))"
        ),
    }


async def _prune_table(sessions: async_sessionmaker[AsyncSession], statement: TextClause, cutoff: datetime) -> int:
    pruned = 0
    while True:
        async with sessions() as session, session.begin():
            result = await session.execute(statement, {"cutoff": cutoff, "batch": PRUNE_BATCH})
        deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
        pruned += deleted
        if deleted < PRUNE_BATCH:
            return pruned


async def prune_once(
    sessions: async_sessionmaker[AsyncSession], schema: str, retention: timedelta, now: datetime | None = None
) -> dict[str, int]:
    """Deletes what is older than ``retention``; returns how many rows of each table went."""
    cutoff = (now or datetime.now(UTC)) - retention
    pruned = {}
    for table, statement in prune_statements(schema).items():
        pruned[table] = await _prune_table(sessions, statement, cutoff)
        ROWS_PRUNED.labels(schema, table).inc(pruned[table])
    return pruned


class RetentionJob:
    """Prunes once a ``retention_interval_s``, the first time ``FIRST_PRUNE_AFTER_S`` after start; a
    database that is away only delays it to the next round."""

    def __init__(self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"retention-{self.settings.service}")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout=15)

    async def _run(self) -> None:
        wait = min(FIRST_PRUNE_AFTER_S, self.settings.retention_interval_s)
        while not await self._stopped_within(wait):
            retention = timedelta(days=self.settings.retention_days)
            try:
                pruned = await prune_once(self.sessions, self.settings.service, retention)
                log.info("pruned rows older than %s days: %s", self.settings.retention_days, pruned)
            except Exception as exc:
                log.warning("pruning failed, trying again next round: %s", exc)
            wait = self.settings.retention_interval_s

    async def _stopped_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self._stopping.is_set()
