"""Transactional outbox: events are rows written in the caller's transaction; a relay publishes them.

The outbox's insert trigger lists every new row in ``outbox_unpublished``. The relay claims the oldest
listed ids with ``FOR UPDATE SKIP LOCKED`` so replicas never publish the same row at the same time,
takes them off the list only once the broker acknowledged, and wakes on ``LISTEN/NOTIFY``. When the
broker is down the rows simply wait.
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
from functools import cache, lru_cache
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import murmur2
from aiokafka.producer.message_accumulator import BatchBuilder
from sqlalchemy import Select, Text, TextClause, bindparam, cast, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import context
from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events.envelope import Envelope
from shared.events.registry import EventData
from shared.kafka import make_producer
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.settings import ServiceSettings
from shared.tables import PlatformTables, outbox_channel, platform_tables

log = logging.getLogger("qms.outbox")

SEND_TIMEOUT_S = 30.0
BACKLOG_REFRESH_S = 5.0
HEADERS = [("content-type", b"application/cloudevents+json")]


@lru_cache(maxsize=65_536)
def _key_hash(key: bytes) -> int:
    # murmur2 in pure Python costs microseconds; the keys of an ERP push repeat (model|production date).
    return murmur2(key) & 0x7FFFFFFF


def partition_of(key: bytes, partitions: list[int]) -> int:
    """Kafka's default partitioner (murmur2 of the key, as the Java client and aiokafka's ``send``)."""
    return partitions[_key_hash(key) % len(partitions)]


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


def claim_statement(tables: PlatformTables) -> Select[Any]:
    """Takes the oldest ids off the unpublished list and returns their rows, in one statement: the
    deletions hold the ids' locks until the transaction ends, which is after the broker acknowledged
    the rows, and a replica's relay skips them meanwhile. No order: the caller sorts by id.
    Postgres's own JSON text goes on the wire as it is: no decode and re-encode."""
    unpublished, outbox = tables.unpublished, tables.outbox
    oldest = (
        select(unpublished.c.id)
        .order_by(unpublished.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = (
        delete(unpublished)
        .where(unpublished.c.id == func.any(func.array(oldest)))
        .returning(unpublished.c.id)
        .cte("claimed")
    )
    return select(outbox.c.id, outbox.c.topic, outbox.c.key, cast(outbox.c.payload, Text).label("payload")).join_from(
        outbox, claimed, outbox.c.id == claimed.c.id
    )


class OutboxRelay:
    def __init__(self, settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.tables = platform_tables(settings.service)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listener: asyncpg.Connection | None = None
        self._producer: AIOKafkaProducer | None = None
        self._backlog_counted_at = 0.0
        self._claim = claim_statement(self.tables)

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
        """Hands the rows to the producer in id order, one record batch per partition, and waits for
        every acknowledgement. The relay fills the batches itself: aiokafka's per-message ``send`` (a
        future and a trip through its accumulator per event) was most of the relay's CPU."""
        assert self._producer is not None
        producer = self._producer
        open_batches: dict[tuple[str, int], BatchBuilder] = {}
        partitions: dict[str, list[int]] = {}
        acknowledgements = []
        for row in rows:
            if row.topic not in partitions:
                partitions[row.topic] = sorted(await producer.partitions_for(row.topic))
            key, value = row.key.encode(), row.payload.encode()
            destination = (row.topic, partition_of(key, partitions[row.topic]))
            batch = open_batches.get(destination)
            if batch is None:
                batch = open_batches[destination] = producer.create_batch()
            if batch.append(key=key, value=value, timestamp=None, headers=HEADERS) is None:
                # Full: it goes now, and the row starts the partition's next batch.
                acknowledgements.append(await producer.send_batch(batch, row.topic, partition=destination[1]))
                batch = open_batches[destination] = producer.create_batch()
                if batch.append(key=key, value=value, timestamp=None, headers=HEADERS) is None:
                    raise ValueError(f"outbox row {row.id} is larger than a record batch may be")
        for (topic, partition), batch in open_batches.items():
            acknowledgements.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*acknowledgements)

    def _count_published(self, rows: Sequence[Any]) -> None:
        for topic, count in Counter(row.topic for row in rows).items():
            EVENTS_PUBLISHED.labels(self.settings.service, topic).inc(count)

    async def _update_backlog(self) -> None:
        async with self.sessions() as session:
            backlog = await session.scalar(select(func.count()).select_from(self.tables.unpublished))
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
