"""The outbox relay: publishes what services wrote into their outbox (``shared.messaging.outbox``).

The outbox's insert trigger lists every new row in ``outbox_unpublished``. One relay per service
publishes at a time, whatever the replica count: it holds a session-level advisory lock on its
``LISTEN`` connection, and the relays of other replicas stand by until that connection closes (two
relays publishing side by side would let one key's later event overtake an earlier one). The
publishing relay claims the oldest listed ids (``FOR UPDATE SKIP LOCKED``, so the next batch is
claimed while the broker acknowledges the one before), takes them off the list only once the broker
acknowledged, and wakes on ``LISTEN/NOTIFY``. When the broker is down the rows simply wait.

Whether the broker still has its log is looked at (``shared.messaging.lost_logs``) at start, after
the broker came back, and whenever the relay was idle for a while.
"""

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.producer.message_accumulator import BatchBuilder
from sqlalchemy import Select, Text, TextClause, bindparam, cast, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events import topics
from shared.kafka import ensure_topics, make_probe, make_producer, partition_of, profile_of, started, stopped
from shared.messaging.lost_logs import (
    LogLost,
    Partition,
    cast_result,
    lost_logs,
    lost_partitions,
    marks_of,
    republish_statement,
    watermark_statement,
)
from shared.messaging.retry import loop_backoff, pause_unless_stopping
from shared.observability import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_LOG_LOST, OUTBOX_REPUBLISHED
from shared.settings import ServiceSettings
from shared.tables import PlatformTables, outbox_channel, platform_tables

log = logging.getLogger("qms.outbox")

SEND_TIMEOUT_S = 30.0
BACKLOG_REFRESH_S = 5.0
# A replica's relay without the publisher lock tries to take it this often.
STANDBY_RETRY_S = 2.0
# Idle this long (nothing acknowledged), the relay looks whether the broker still has its log before
# publishing again; while batches are acknowledged, each acknowledgement shows it.
LOG_CHECK_INTERVAL_S = 2.0
LOG_CHECK_TIMEOUT_S = 10.0
# The publisher lock's key: (namespace, the service's schema hashed by Postgres).
RELAY_LOCK_NAMESPACE = 0x51_4D_53_01
HEADERS = [("content-type", b"application/cloudevents+json")]


@dataclass
class Claim:
    """Rows marked published in a transaction that commits only once the broker acknowledged them."""

    session: AsyncSession
    rows: list[Any]


async def _commit(session: AsyncSession, marks: TextClause, acknowledged: dict[Partition, int]) -> None:
    """Commits a claim's marks with the broker's acknowledged offsets, in one transaction."""
    try:
        if acknowledged:
            await session.execute(marks, marks_of(acknowledged))
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
        self._publisher = False
        self._producer: AIOKafkaProducer | None = None
        self._probe: AIOKafkaConsumer | None = None
        self._backlog_counted_at = 0.0
        self._claim = claim_statement(self.tables)
        self._marks = watermark_statement(self.tables)
        self._republish = republish_statement(self.tables)
        # Per partition, the first offset of the latest acknowledged batch plus one (as stored).
        self._floors: dict[Partition, int] = {}
        self._log_seen_at = 0.0
        self._lost: dict[str, str] = {}

    @property
    def publishing(self) -> bool:
        """This relay holds its service's publisher lock."""
        return self._publisher and self._listener is not None and not self._listener.is_closed()

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
        backoff = loop_backoff()
        while not self._stopping.is_set():
            try:
                await self._ensure_listener()
                if not await self._take_publisher_lock():
                    await pause_unless_stopping(self._stopping, STANDBY_RETRY_S)
                    continue
                await self._ensure_producer()
                await self._recover_if_log_lost()
                await self.publish_waiting()
                backoff.reset()
                await self._wait_for_work()
            except asyncio.CancelledError:
                raise
            except LogLost as lost:
                # The batch that showed it stays published; the lost log is listed again next round.
                self._lost = lost.reasons
            except Exception as exc:  # broker or database away: the rows wait, we retry
                log.warning("outbox relay cannot publish yet: %s", exc)
                # With the broker away the rows pile up: that is what the backlog gauge is for.
                with contextlib.suppress(Exception):
                    await self._update_backlog()
                await self._close_producer()
                await self._close_listener()
                await backoff.pause(self._stopping)

    async def _take_publisher_lock(self) -> bool:
        """Takes the service's publisher lock on the LISTEN connection, if no other relay holds it. Held
        until that connection closes: a relay that dies frees it, and a standing-by replica takes over."""
        if self.publishing:
            return True
        assert self._listener is not None
        taken = await self._listener.fetchval(
            "SELECT pg_try_advisory_lock($1, hashtext($2))", RELAY_LOCK_NAMESPACE, self.settings.service
        )
        if not taken:
            return False
        self._publisher = True
        self._floors = await self._load_floors()
        self._log_seen_at = 0.0
        log.info("outbox relay of %s publishes (it holds the publisher lock)", self.settings.service)
        return True

    async def _load_floors(self) -> dict[Partition, int]:
        marks = self.tables.watermarks
        async with self.sessions() as session:
            rows = await session.execute(select(marks.c.topic, marks.c.partition, marks.c.acknowledged))
        return {(row.topic, row.partition): row.acknowledged for row in rows}

    async def _recover_if_log_lost(self) -> None:
        """After a while without acknowledgements (at start, after the broker came back, when idle):
        a topic gone, or a partition ending below what the broker had acknowledged, was lost."""
        if not self._lost and time.monotonic() - self._log_seen_at < LOG_CHECK_INTERVAL_S:
            return
        if not self._lost and self._floors:
            self._lost = await asyncio.wait_for(self._find_lost_logs(), timeout=LOG_CHECK_TIMEOUT_S)
        if self._lost:
            await self._republish_lost(self._lost)
            self._lost = {}
        self._log_seen_at = time.monotonic()

    async def _find_lost_logs(self) -> dict[str, str]:
        probe = await self._ensure_probe()
        existing = await probe.topics()
        present = [TopicPartition(*tp) for tp in self._floors if tp[0] in existing]
        # ListOffsets: Tansu answers the first offset of the last batch plus one, never below a floor.
        ends = await probe.end_offsets(present) if present else {}
        return lost_logs(self._floors, existing, {(tp.topic, tp.partition): end for tp, end in ends.items()})

    async def _list_again(self, session: AsyncSession, lost: list[str], window_s: float) -> int:
        result = await session.execute(self._republish, {"topics": lost, "window_s": window_s})
        return int(cast_result(result).rowcount)

    async def _republish_lost(self, reasons: dict[str, str]) -> None:
        """Lists the lost topics' events of the window as unpublished, on the embedded broker after creating
        the topics again (on Apache Kafka topics are the operator's)."""
        lost = sorted(reasons)
        if profile_of(self.settings).recreates_lost_topics:
            await ensure_topics(self.settings, sorted({*topics.all_with_dlq(), *lost}))
        window_s = self.settings.outbox_republish_window_hours * 3600
        marks = self.tables.watermarks
        async with self.sessions() as session, session.begin():
            await session.execute(delete(marks).where(marks.c.topic.in_(lost)))
            listed = await self._list_again(session, lost, window_s)
        self._floors = {tp: floor for tp, floor in self._floors.items() if tp[0] not in reasons}
        for topic in lost:
            OUTBOX_LOG_LOST.labels(self.settings.service, topic).inc()
        OUTBOX_REPUBLISHED.labels(self.settings.service).inc(listed)
        log.warning(
            "the broker lost the log of %s; %s re-publishes %d event(s) written in the last %g h",
            "; ".join(f"{topic} ({reasons[topic]})" for topic in lost),
            self.settings.service,
            listed,
            self.settings.outbox_republish_window_hours,
        )
        self._wake.set()

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_interval_s)
        self._wake.clear()

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
                    if not self.publishing:
                        raise ConnectionError("the publisher lock's connection closed")
                    # A broker that vanished mid-send must not hold the claimed rows forever; an
                    # exception here rolls the marks back and the rows wait for the next attempt.
                    acknowledged = await asyncio.wait_for(self._send(claim.rows), timeout=SEND_TIMEOUT_S)
                except BaseException:
                    await claim.session.close()
                    raise
                lost = lost_partitions(self._floors, acknowledged)
                kept = {tp: mark for tp, mark in acknowledged.items() if tp[0] not in lost}
                previous, committing = committing, asyncio.create_task(_commit(claim.session, self._marks, kept))
                if previous is not None:
                    await previous
                published += len(claim.rows)
                self._count_published(claim.rows)
                self._acknowledged(kept)
                if lost:
                    raise LogLost(lost)
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

    def _acknowledged(self, acknowledged: dict[Partition, int]) -> None:
        for tp, mark in acknowledged.items():
            self._floors[tp] = max(self._floors.get(tp, 0), mark)
        if acknowledged:
            self._log_seen_at = time.monotonic()

    async def _send(self, rows: Sequence[Any]) -> dict[Partition, int]:
        """Hands the rows to the producer in id order, one record batch per partition, and waits for
        every acknowledgement; returns, per partition, the first offset of its last batch plus one.
        The relay fills the batches itself: aiokafka's per-message ``send`` (a future and a trip
        through its accumulator per event) was most of the relay's CPU."""
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
        acknowledged: dict[Partition, int] = {}
        for metadata in await asyncio.gather(*acknowledgements):
            tp = (metadata.topic, metadata.partition)
            acknowledged[tp] = max(acknowledged.get(tp, 0), metadata.offset + 1)
        return acknowledged

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
            await started(producer)
            self._producer = producer

    async def _ensure_probe(self) -> AIOKafkaConsumer:
        if self._probe is None:
            probe = make_probe(self.settings, f"{self.settings.service}-relay-probe")
            await started(probe)
            self._probe = probe
        return self._probe

    async def _close_producer(self) -> None:
        # A new producer means the broker was away: its log is looked at before publishing again.
        self._log_seen_at = 0.0
        clients, self._producer, self._probe = (self._producer, self._probe), None, None
        await stopped(*clients)

    async def _ensure_listener(self) -> None:
        if self._listener is None or self._listener.is_closed():
            url = service_url(
                self.settings.database_url, self.settings.service, self.settings.db_password.get_secret_value()
            )
            conn = await asyncpg.connect(**asyncpg_kwargs(url))
            await conn.add_listener(outbox_channel(self.settings.service), lambda *_: self._wake.set())
            # A lost connection loses the notifications and the publisher lock: the relay wakes to
            # connect again and publish what was written meanwhile, instead of waiting for its fallback.
            conn.add_termination_listener(lambda *_: self._wake.set())
            self._listener = conn

    async def _close_listener(self) -> None:
        # Closing the connection frees the publisher lock for another replica.
        self._publisher = False
        if self._listener is not None:
            listener, self._listener = self._listener, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(listener.close(), timeout=2)
