"""Consumer runner with an inbox: each fetched batch of a partition is applied in one database
transaction (the partitions of one fetch side by side) that also records every event id (inbox
primary key ``(consumer, event_id)``), and offsets are committed only after that transaction — so a
redelivered event changes nothing.

A handler that keeps failing after bounded retries sends its message to ``<topic>.dlq`` with the
error, and the consumer moves on; so does a message that is no event, or an event of a type or version
the registry does not know. The inbox keeps a dead-lettered event as failed, so its replay is applied.
Dead letters are decided inside the transaction and produced once it committed: a batch rolled back
and applied again produces none twice. Transient database errors (deadlock, lock timeout, the database
away) are retried in a fresh transaction with backoff, never dead-lettered. An event of a known type
the consumer does not subscribe to is ignored and counted as such. Rebalances and UNKNOWN_MEMBER_ID
only make it rejoin, never die.
"""

import asyncio
import contextlib
import logging
import re
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from pydantic import ValidationError
from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import context
from shared.events import REGISTRY, Envelope, EventData, parse_data, topics
from shared.kafka import make_consumer, make_producer
from shared.observability import (
    CONSUMER_LAG,
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    EVENTS_DUPLICATE,
    EVENTS_FAILED,
    EVENTS_IGNORED,
    count_when_committed,
    counted_on_commit,
    uncounted_on_error,
)
from shared.settings import ServiceSettings
from shared.tables import platform_tables
from shared.transient import is_transient

log = logging.getLogger("qms.consumer")

Handler = Callable[[AsyncSession, Envelope, Any], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[tuple[Envelope, Any]]], Awaitable[None]]


@dataclass
class Incoming:
    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope | None = None
    data: EventData | None = None
    error: str | None = None
    reason: str | None = None

    def pair(self) -> tuple[Envelope, Any]:
        """What a batch handler receives of a decoded event."""
        assert self.envelope is not None
        return self.envelope, self.data


@dataclass
class Subscriptions:
    """What one consumer applies: a handler per event type, or a set-based handler for a whole batch."""

    handlers: dict[str, Handler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)

    def on(self, event: type[EventData]) -> Callable[[Handler], Handler]:
        def decorator(handler: Handler) -> Handler:
            self.handlers[event.TYPE] = handler
            return handler

        return decorator

    def on_batch(self, event: type[EventData]) -> Callable[[BatchHandler], BatchHandler]:
        def decorator(handler: BatchHandler) -> BatchHandler:
            self.batch_handlers[event.TYPE] = handler
            return handler

        return decorator

    def include(self, other: "Subscriptions") -> None:
        self.handlers.update(other.handlers)
        self.batch_handlers.update(other.batch_handlers)

    def types(self) -> set[str]:
        return set(self.handlers) | set(self.batch_handlers)

    def topics(self) -> list[str]:
        return sorted({REGISTRY[event_type].TOPIC for event_type in self.types()})


# Why a message went to its dead-letter topic: the ``reason`` label of qms_events_dead_lettered_total.
UNDECODABLE = "undecodable"
UNKNOWN_TYPE = "unknown_type"
UNKNOWN_VERSION = "unknown_version"
HANDLER_FAILED = "handler_failed"


@dataclass(frozen=True)
class DeadLetter:
    """A message decided to go to its dead-letter topic; produced only once the decision is final."""

    record: ConsumerRecord[bytes, bytes]
    error: str
    reason: str


def unversioned(event_type: str) -> str:
    return re.sub(r"\.v\d+$", "", event_type)


def unknown_event(event_type: str) -> tuple[str, str]:
    """The reason and error of an event type the registry lacks: a version of a known event, or nothing
    known at all."""
    if unversioned(event_type) in {unversioned(known) for known in REGISTRY}:
        return UNKNOWN_VERSION, f"unknown version of a known event type: {event_type}"
    return UNKNOWN_TYPE, f"unknown event type: {event_type}"


def decode(record: ConsumerRecord[bytes, bytes]) -> Incoming:
    incoming = Incoming(record)
    try:
        incoming.envelope = Envelope.model_validate_json(record.value or b"")
    except ValidationError as exc:
        incoming.error = f"not a CloudEvents envelope: {exc.errors(include_url=False)[:3]}"
        incoming.reason = UNDECODABLE
        return incoming
    if incoming.envelope.type not in REGISTRY:
        incoming.reason, incoming.error = unknown_event(incoming.envelope.type)
        return incoming
    try:
        incoming.data = parse_data(incoming.envelope)
    except ValidationError as exc:
        incoming.error = f"invalid data for {incoming.envelope.type}: {exc.errors(include_url=False)[:3]}"
        incoming.reason = UNDECODABLE
    return incoming


COMMIT_INTERVAL_S = 1.0
STALL_WINDOW_S = 10.0
UNASSIGNED_WINDOW_S = 60.0
START_TIMEOUT_S = 30.0
# A transient error retries the batch in a fresh transaction this many times, the pause doubling from
# the first; after that the batch is rewound and fetched again (never dead-lettered).
TRANSIENT_ATTEMPTS = 5
TRANSIENT_FIRST_PAUSE_S = 0.05


class ConsumerStalled(RuntimeError):
    pass


class BatchNotApplied(RuntimeError):
    """A fetched batch could not be applied (the database away or restarting, a dead letter the broker
    did not take): its partition is rewound to the batch's first offset, and the consumer stays in its
    group to fetch it again."""


@cache
def _inbox_claim(schema: str) -> TextClause:
    return text(
        f"INSERT INTO {schema}.inbox AS seen (consumer, event_id, event_type) "
        "SELECT :consumer, ids.event_id, ids.event_type "
        "FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS text[])) AS ids(event_id, event_type) "
        # A row left by a dead-lettered attempt is claimed again: the inbox remembers that the event
        # failed, so its replay is applied (SPEC §9). An applied one stays a duplicate.
        "ON CONFLICT (consumer, event_id) DO UPDATE SET outcome = 'applied', processed_at = now() "
        "WHERE seen.outcome = 'dead_lettered' RETURNING event_id"
    )


@contextlib.contextmanager
def caused_by(envelope: Envelope) -> Iterator[None]:
    """What a handler publishes carries the consumed event's correlation id and names it as the cause."""
    tokens = (context.correlation_id.set(envelope.correlationid), context.causation_id.set(str(envelope.id)))
    try:
        yield
    finally:
        context.correlation_id.reset(tokens[0])
        context.causation_id.reset(tokens[1])


def runs_of_one_type(items: list[Incoming]) -> list[tuple[str, list[Incoming]]]:
    """Splits items, in order, into maximal runs of consecutive events of the same type."""
    runs: list[tuple[str, list[Incoming]]] = []
    for item in items:
        assert item.envelope is not None
        if runs and runs[-1][0] == item.envelope.type:
            runs[-1][1].append(item)
        else:
            runs.append((item.envelope.type, [item]))
    return runs


async def _started(client: AIOKafkaConsumer | AIOKafkaProducer) -> None:
    """Starts a Kafka client within START_TIMEOUT_S; one that does not start is stopped again."""
    try:
        await asyncio.wait_for(client.start(), timeout=START_TIMEOUT_S)
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), timeout=5)
        raise


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: "ConsumerRunner") -> None:
        self.runner = runner

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.runner.commit_finished(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None


class ConsumerRunner:
    def __init__(
        self,
        settings: ServiceSettings,
        sessions: async_sessionmaker[AsyncSession],
        subscriptions: Subscriptions,
        name: str | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.subscriptions = subscriptions
        self.name = name or settings.service
        self.inbox = platform_tables(settings.service).inbox
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq_producer: AIOKafkaProducer | None = None
        self._dlq_starting = asyncio.Lock()
        self._finished: dict[TopicPartition, int] = {}
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_progress = time.monotonic()
        self._last_stall_check = 0.0
        self._last_assigned = time.monotonic()
        self._committed_at = time.monotonic()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"consumer-{self.name}")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout=15)
        # What was applied is committed on the way out, so the next start does not fetch it again.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.commit_finished(list(self._finished)), timeout=5)
        await self._close()

    async def _run(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._ensure_started()
                await self._poll_once()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except BatchNotApplied as exc:
                # Leaving and rejoining the group would not bring the database back (and rejoining
                # right after a database restart was seen to hang for over a minute on the embedded
                # broker); the Kafka client recovers from a broker hiccup on its own. The same
                # consumer fetches the rewound batch again.
                log.warning("consumer %s will apply again: %s", self.name, exc.__cause__)
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)
            except Exception as exc:
                log.warning("consumer %s will retry: %s", self.name, exc)
                await self._close()
                await self._pause(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _ensure_started(self) -> None:
        if self._consumer is not None:
            return
        consumer = make_consumer(self.settings, group_id=f"qms.{self.name}", client_id=f"{self.name}-consumer")
        consumer.subscribe(self.subscriptions.topics(), listener=_CommitOnRevoke(self))
        await _started(consumer)
        self._consumer = consumer
        self._last_progress = self._last_assigned = time.monotonic()

    async def _dlq(self) -> AIOKafkaProducer:
        """The dead-letter producer, started on first use so a broker hiccup at start-up cannot block polling."""
        # Partitions applied side by side may dead-letter at once: only one of them starts it.
        async with self._dlq_starting:
            if self._dlq_producer is None:
                producer = make_producer(self.settings, f"{self.name}-dlq")
                await _started(producer)
                self._dlq_producer = producer
            return self._dlq_producer

    async def _close(self) -> None:
        # Offsets not committed yet are left to the inbox: a new consumer fetches them again.
        self._finished.clear()
        consumer, self._consumer = self._consumer, None
        producer, self._dlq_producer = self._dlq_producer, None
        for client in (consumer, producer):
            if client is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.stop(), timeout=5)

    async def _poll_once(self) -> None:
        assert self._consumer is not None
        # max_poll_records per assigned partition: with one budget for all, the first partition's
        # buffer filled the poll and the others waited instead of being applied beside it.
        budget = self.settings.kafka_max_poll_records * max(1, len(self._consumer.assignment()))
        batches = await self._consumer.getmany(timeout_ms=500, max_records=budget)
        if self._consumer.assignment():
            self._last_assigned = time.monotonic()
        if batches:
            self._last_progress = time.monotonic()
        await self._check_positions()
        # Partitions are independent (order is kept within one): their batches are applied side by
        # side, each in its own transaction, so one batch's Python work overlaps another's round
        # trips. Aggregates shared across partitions are locked in a fixed order, as for replicas.
        outcomes = await asyncio.gather(
            *(self._apply_partition(tp, records) for tp, records in batches.items()), return_exceptions=True
        )
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        for failure in failures:
            if not isinstance(failure, Exception):
                raise failure
        if failures:
            raise BatchNotApplied(f"{len(failures)} of {len(outcomes)} partition batches") from failures[0]
        # Offsets go to the broker at most once a COMMIT_INTERVAL_S, not after every batch: a
        # redelivery of what was applied but not yet committed is dropped by the inbox, and a broker
        # round trip per fetched batch was a large share of the cost of a small batch.
        if self._finished and time.monotonic() - self._committed_at >= COMMIT_INTERVAL_S:
            await self.commit_finished(list(self._finished))

    async def _apply_partition(self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        assert self._consumer is not None
        if self._stopping.is_set():
            return
        try:
            await self.apply(tp, records)
        except Exception:
            # Nothing of this batch was kept: read it again from its first offset.
            self._consumer.seek(tp, records[0].offset)
            raise
        self._finished[tp] = records[-1].offset + 1
        self._record_lag(tp, records[-1].offset + 1)

    async def commit_finished(self, partitions: list[TopicPartition]) -> None:
        offsets = {tp: self._finished.pop(tp) for tp in partitions if tp in self._finished}
        self._committed_at = time.monotonic()
        if offsets and self._consumer is not None:
            try:
                await self._consumer.commit(offsets)
            except Exception as exc:  # a rebalance took the partition: the inbox makes redelivery harmless
                log.info("offset commit skipped for %s: %s", self.name, exc)

    async def _check_positions(self) -> None:
        """Once a ``STALL_WINDOW_S``: a partition whose log the broker lost is read from its start, and
        a consumer idle while records wait (or never assigned) is replaced by a fresh one."""
        now = time.monotonic()
        if now - self._last_stall_check < STALL_WINDOW_S:
            return
        self._last_stall_check = now
        assert self._consumer is not None
        assigned = list(self._consumer.assignment())
        idle = now - self._last_progress >= STALL_WINDOW_S
        if not assigned:
            # A group stuck rejoining after a broker restart never assigns; a replica beyond the
            # partition count would also sit here, so the window is long.
            if now - self._last_assigned > UNASSIGNED_WINDOW_S:
                raise ConsumerStalled(f"no partitions assigned for {UNASSIGNED_WINDOW_S}s")
            return
        past_end = [tp for tp in assigned if await self._past_end(tp)]
        if past_end:
            # The broker lost these partitions' log (a memory broker restarted, a topic recreated): new
            # records start below the position and would never be fetched, however busy the other
            # partitions are. What is read again and was applied already is dropped by the inbox.
            log.warning("consumer %s is past the end of %s: reading them from their start", self.name, past_end)
            await self._consumer.seek_to_beginning(*past_end)
        if not idle:
            return
        ends = await asyncio.wait_for(self._consumer.end_offsets(assigned), timeout=STALL_WINDOW_S)
        positions = {tp: await asyncio.wait_for(self._consumer.position(tp), STALL_WINDOW_S) for tp in assigned}
        behind = [tp for tp in assigned if ends.get(tp, 0) > positions[tp]]
        if behind:
            raise ConsumerStalled(f"no records for {STALL_WINDOW_S}s while {len(behind)} partition(s) have some")
        self._last_progress = now

    async def _past_end(self, tp: TopicPartition) -> bool:
        """Beyond the high watermark of the partition's latest fetch response. Not ListOffsets' end:
        Tansu answers it with the first offset of the partition's last record batch plus one, so after
        a batch of several records a consumer at the true end looked past it. A partition not fetched
        yet is not judged (nor is its position awaited, which would hold up a busy consumer)."""
        assert self._consumer is not None
        highwater = self._consumer.highwater(tp)
        if highwater is None:
            return False
        return await asyncio.wait_for(self._consumer.position(tp), STALL_WINDOW_S) > highwater

    def _record_lag(self, tp: TopicPartition, next_offset: int) -> None:
        assert self._consumer is not None
        highwater = self._consumer.highwater(tp)
        if highwater is not None:
            CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(highwater - next_offset, 0))

    async def apply(self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Applies one fetched batch of one partition in one transaction, then produces its dead letters."""
        incoming = [decode(record) for record in records]
        letters = [DeadLetter(item.record, item.error, item.reason or UNDECODABLE) for item in incoming if item.error]
        subscribed = self.subscriptions.types()
        decoded = [item for item in incoming if item.error is None and item.envelope is not None]
        wanted = [item for item in decoded if item.envelope is not None and item.envelope.type in subscribed]
        duplicates = 0
        if wanted:
            failed, duplicates = await self._apply_retrying_transient(tp, wanted)
            letters = sorted([*letters, *failed], key=lambda letter: letter.record.offset)
            log.info(
                "consumer %s applied %d event(s) of %s[%d], %d duplicate(s)",
                self.name,
                len(wanted) - duplicates - len(failed),
                tp.topic,
                tp.partition,
                duplicates,
            )
        await self._send_dead_letters(letters)
        EVENTS_DUPLICATE.labels(self.name, tp.topic).inc(duplicates)
        EVENTS_IGNORED.labels(self.name, tp.topic).inc(len(decoded) - len(wanted))

    async def _apply_retrying_transient(
        self, tp: TopicPartition, wanted: list[Incoming]
    ) -> tuple[list[DeadLetter], int]:
        """A transient error takes the transaction with it; the batch is tried again in a fresh one."""
        pause = TRANSIENT_FIRST_PAUSE_S
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            try:
                return await self._apply_in_transaction(tp, wanted)
            except Exception as exc:
                if not is_transient(exc) or attempt == TRANSIENT_ATTEMPTS:
                    raise
                log.warning("batch of %s on %s met a transient error, trying again: %s", len(wanted), tp, exc)
                await self._pause(pause)
                pause *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _apply_in_transaction(self, tp: TopicPartition, wanted: list[Incoming]) -> tuple[list[DeadLetter], int]:
        """The dead letters the committed transaction decided, and how many events the inbox dropped."""
        try:
            with counted_on_commit():
                async with self.sessions() as session, session.begin():
                    fresh = await self._claim_in_inbox(session, wanted)
                    await self._apply_without_savepoints(session, fresh)
                    count_when_committed(EVENTS_CONSUMED.labels(self.name, tp.topic), len(fresh))
            return [], len(wanted) - len(fresh)
        except Exception as exc:
            if is_transient(exc):
                raise
            # Some event failed and took the whole transaction with it: the batch is applied again with a
            # savepoint per event, so the failing one is retried and dead-lettered alone. Savepoints only
            # on this path: they were two extra round trips per event on every batch.
            log.warning("batch of %s on %s failed; applying it event by event", len(wanted), tp, exc_info=True)
        letters: list[DeadLetter] = []
        with counted_on_commit():
            async with self.sessions() as session, session.begin():
                fresh = await self._claim_in_inbox(session, wanted)
                await self._apply_fresh(session, tp.topic, fresh, letters)
        return letters, len(wanted) - len(fresh)

    async def _apply_without_savepoints(self, session: AsyncSession, fresh: list[Incoming]) -> None:
        for event_type, run in runs_of_one_type(fresh):
            batch_handler = self.subscriptions.batch_handlers.get(event_type)
            if batch_handler is not None:
                await batch_handler(session, [item.pair() for item in run])
                continue
            handler = self.subscriptions.handlers[event_type]
            for item in run:
                assert item.envelope is not None
                with caused_by(item.envelope):
                    await handler(session, item.envelope, item.data)

    async def _claim_in_inbox(self, session: AsyncSession, items: list[Incoming]) -> list[Incoming]:
        """Records the batch's event ids; returns the items not seen before, in their order."""
        by_id: dict[Any, Incoming] = {}
        for item in items:
            assert item.envelope is not None
            by_id.setdefault(item.envelope.id, item)
        # Two array parameters instead of a placeholder per event: the claim stays one cheap statement.
        rows: list[Row[Any]] = list(
            await session.execute(
                _inbox_claim(self.settings.service),
                {
                    "consumer": self.name,
                    "ids": list(by_id),
                    "types": [item.envelope.type for item in by_id.values()],  # type: ignore[union-attr]
                },
            )
        )
        claimed = {row.event_id for row in rows}
        return [item for event_id, item in by_id.items() if event_id in claimed]

    async def _apply_fresh(
        self, session: AsyncSession, topic: str, fresh: list[Incoming], letters: list[DeadLetter]
    ) -> None:
        """Applies in partition order: consecutive events of one batch-handled type go in one call,
        so a later event of another type (a complaint's rejection after its receipt) sees them."""
        for event_type, run in runs_of_one_type(fresh):
            if event_type in self.subscriptions.batch_handlers:
                await self._apply_group(session, topic, event_type, run, letters)
            else:
                for item in run:
                    await self._apply_one(session, topic, item, letters)

    async def _apply_group(
        self, session: AsyncSession, topic: str, event_type: str, items: list[Incoming], letters: list[DeadLetter]
    ) -> None:
        handler = self.subscriptions.batch_handlers[event_type]
        try:
            with uncounted_on_error():
                async with session.begin_nested():
                    await handler(session, [item.pair() for item in items])
            count_when_committed(EVENTS_CONSUMED.labels(self.name, topic), len(items))
        except Exception as exc:
            if is_transient(exc):
                raise
            # One bad event must not stop the others: apply them one by one to find it.
            log.warning("batch of %s failed; applying one by one", event_type, exc_info=True)
            for item in items:
                await self._apply_one(session, topic, item, letters)

    async def _apply_one(self, session: AsyncSession, topic: str, item: Incoming, letters: list[DeadLetter]) -> None:
        assert item.envelope is not None
        envelope, data = item.envelope, item.data
        handler = self.subscriptions.handlers.get(envelope.type)
        error = ""
        for _attempt in range(self.settings.consumer_max_retries):
            try:
                with caused_by(envelope), uncounted_on_error():
                    async with session.begin_nested():
                        if handler is not None:
                            await handler(session, envelope, data)
                        else:
                            await self.subscriptions.batch_handlers[envelope.type](session, [(envelope, data)])
                count_when_committed(EVENTS_CONSUMED.labels(self.name, topic))
                return
            except Exception as exc:
                EVENTS_FAILED.labels(self.name, topic).inc()
                if is_transient(exc):
                    # Not the handler's fault: the whole batch is tried again in a fresh transaction.
                    raise
                error = "".join(traceback.format_exception_only(exc)).strip()
                log.warning("handler for %s failed on %s: %s", envelope.type, envelope.id, error)
        letters.append(DeadLetter(item.record, error, HANDLER_FAILED))
        await session.execute(
            self.inbox.update()
            .where(self.inbox.c.consumer == self.name, self.inbox.c.event_id == envelope.id)
            .values(outcome="dead_lettered")
        )

    async def _send_dead_letters(self, letters: list[DeadLetter]) -> None:
        """Produces what a committed batch decided. A broker that refuses fails the batch: it is rewound
        and applied again, and the inbox lets its dead-lettered events be tried again."""
        for letter in letters:
            await self._dead_letter(letter)

    async def _dead_letter(self, letter: DeadLetter) -> None:
        producer = await self._dlq()
        record = letter.record
        headers = [
            *(record.headers or ()),
            ("dlq-error", letter.error[:4000].encode()),
            ("dlq-reason", letter.reason.encode()),
            ("dlq-consumer", self.name.encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
        ]
        await producer.send_and_wait(topics.dlq(record.topic), key=record.key, value=record.value, headers=headers)
        EVENTS_DEAD_LETTERED.labels(self.name, record.topic, letter.reason).inc()
        where = f"{record.topic}[{record.partition}]@{record.offset}"
        log.error("dead-lettered %s (%s): %s", where, letter.reason, letter.error)
