"""Transactional outbox: events are rows written in the caller's transaction; a relay publishes them.

The relay claims rows with ``FOR UPDATE SKIP LOCKED`` so replicas never publish the same row at the
same time, marks them published only after the broker acknowledged, and wakes on ``LISTEN/NOTIFY``.
When the broker is down the rows simply wait.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from sqlalchemy import Table, Text, TextClause, Update, bindparam, cast, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import context
from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events.envelope import Envelope
from shared.events.registry import EventData
from shared.kafka import make_producer
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.settings import ServiceSettings
from shared.tables import outbox_channel, platform_tables

log = logging.getLogger("qms.outbox")

SEND_TIMEOUT_S = 30.0
BACKLOG_REFRESH_S = 5.0
YIELD_EVERY = 100


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
        "event_time": datetime.now(UTC),
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


@dataclass
class Claim:
    """Rows marked published in a transaction that commits only once the broker acknowledged them."""

    session: AsyncSession
    rows: list[Any]


async def _commit(session: AsyncSession) -> None:
    try:
        await session.commit()
    finally:
        await session.close()


async def _abandon(claiming: asyncio.Task[Claim]) -> None:
    """Rolls back a claim that will not be sent (its rows stay waiting)."""
    claiming.cancel()
    with contextlib.suppress(BaseException):
        claim = await claiming
        await claim.session.close()


def claim_statement(outbox: Table) -> Update:
    """Marks the oldest unpublished rows published and returns them, in one statement: the mark
    holds the rows' locks until the transaction ends, which is after the broker acknowledged them,
    and a replica's relay skips them meanwhile. ``RETURNING`` has no order: the caller sorts by id.
    Postgres's own JSON text goes on the wire as it is: no decode and re-encode."""
    oldest = (
        select(outbox.c.id)
        .where(outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return (
        update(outbox)
        .where(outbox.c.id == func.any(func.array(oldest)))
        .values(published_at=func.now())
        .returning(outbox.c.id, outbox.c.topic, outbox.c.key, cast(outbox.c.payload, Text).label("payload"))
    )


class OutboxRelay:
    def __init__(self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.table = platform_tables(settings.service).outbox
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self._producer: AIOKafkaProducer | None = None
        self._backlog_counted_at = 0.0
        self._claim = claim_statement(self.table)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.settings.service}")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=15)
        await self._close_listener()
        await self._close_producer()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._ensure_listener()
                await self._ensure_producer()
                await self.publish_waiting()
                backoff = 0.2
                await self._wait_for_work()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: the rows wait, we retry
                log.warning("outbox relay cannot publish yet: %s", exc)
                # With the broker away the rows pile up: that is what the backlog gauge is for.
                with contextlib.suppress(Exception):
                    await self._update_backlog()
                await self._close_producer()
                await self._close_listener()
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_interval_s)
        self._wake.clear()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def publish_waiting(self) -> int:
        """Publishes every waiting row, a batch at a time; returns how many were published.

        The database and the broker work at the same time: while one batch is sent and acknowledged
        the next is claimed and the previous one's marks are committed. A batch is sent only once the
        one before it is acknowledged, so a failed batch is never overtaken by a later one and events
        keep their order; a mark whose commit fails only means a row is published twice."""
        published = 0
        # Each task owns its claim's session until it hands it on: the claim to this loop, the loop
        # to a commit task. Nothing else closes it, so no mark is rolled back after its rows went out.
        claiming: asyncio.Task[Claim] | None = asyncio.create_task(self._claim_batch())
        committing: asyncio.Task[None] | None = None
        try:
            while claiming is not None:
                claim = await claiming
                claiming = None
                if not claim.rows:
                    await claim.session.close()
                    break
                if len(claim.rows) == self.settings.outbox_batch_size:
                    claiming = asyncio.create_task(self._claim_batch())
                try:
                    # A broker that vanished mid-send must not hold the claimed rows forever; an
                    # exception here rolls the marks back and the rows wait for the next attempt.
                    await asyncio.wait_for(self._send(claim.rows), timeout=SEND_TIMEOUT_S)
                except BaseException:
                    await claim.session.close()
                    raise
                previous, committing = committing, asyncio.create_task(_commit(claim.session))
                if previous is not None:
                    await previous
                published += len(claim.rows)
                self._count_published(claim.rows)
                # Counting the backlog scans it: after every batch of a long drain that would be
                # quadratic.
                if time.monotonic() - self._backlog_counted_at > BACKLOG_REFRESH_S:
                    await self._update_backlog()
        finally:
            if claiming is not None:
                await _abandon(claiming)
            if committing is not None:
                await committing
        if time.monotonic() - self._backlog_counted_at > BACKLOG_REFRESH_S:
            await self._update_backlog()
        else:
            # Drained as of the last claim; the next count corrects whatever arrived since.
            OUTBOX_BACKLOG.labels(self.settings.service).set(0)
        return published

    async def _claim_batch(self) -> Claim:
        session = self.sessions()
        try:
            await session.begin()
            result = await session.execute(self._claim, {"limit": self.settings.outbox_batch_size})
            return Claim(session, sorted(result.all()))
        except BaseException:
            await session.close()
            raise

    async def _send(self, rows: Sequence[Any]) -> None:
        """Hands the rows to the producer in id order and waits for every acknowledgement."""
        assert self._producer is not None
        futures = []
        for position, row in enumerate(rows, start=1):
            futures.append(
                await self._producer.send(
                    row.topic,
                    key=row.key.encode(),
                    value=row.payload.encode(),
                    headers=[("content-type", b"application/cloudevents+json")],
                )
            )
            if position % YIELD_EVERY == 0:
                # Handing a batch over is pure CPU: let the next claim's statements go out meanwhile.
                await asyncio.sleep(0)
        await asyncio.gather(*futures)

    def _count_published(self, rows: Sequence[Any]) -> None:
        for topic, count in Counter(row.topic for row in rows).items():
            EVENTS_PUBLISHED.labels(self.settings.service, topic).inc(count)

    async def _update_backlog(self) -> None:
        async with self.sessions() as session:
            backlog = await session.scalar(
                select(func.count()).select_from(self.table).where(self.table.c.published_at.is_(None))
            )
        OUTBOX_BACKLOG.labels(self.settings.service).set(backlog or 0)
        self._backlog_counted_at = time.monotonic()

    async def _ensure_producer(self) -> None:
        if self._producer is None:
            producer = make_producer(self.settings, f"{self.settings.service}-relay")
            try:
                await producer.start()
            except Exception:
                await producer.stop()
                raise
            self._producer = producer

    async def _close_producer(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(producer.stop(), timeout=5)

    async def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.is_closed():
            url = service_url(
                self.settings.database_url, self.settings.service, self.settings.db_password.get_secret_value()
            )
            conn = await asyncpg.connect(**asyncpg_kwargs(url))  # type: ignore[arg-type]
            await conn.add_listener(outbox_channel(self.settings.service), lambda *_: self._wake.set())
            self._listener = conn

    async def _close_listener(self) -> None:
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), timeout=2)
