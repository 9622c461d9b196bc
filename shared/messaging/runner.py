"""The consumer runner: polls its group's partitions, applies each fetched batch of a partition
(``shared.messaging.batches``; the partitions of one fetch side by side), produces the batch's dead
letters once its transaction committed, and commits offsets only after that — so a redelivered event
changes nothing (the inbox drops it). Rebalances and UNKNOWN_MEMBER_ID only make it rejoin, never die;
a consumer idle while records wait, or never assigned, is replaced by a fresh one.
"""

import asyncio
import contextlib
import logging
import time

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.kafka import fetch_wait_ms, fetch_wait_of, make_consumer, profile_of, set_fetch_wait, started, stopped
from shared.messaging.batches import BatchApplier
from shared.messaging.dead_letters import DeadLetterProducer
from shared.messaging.inbox import Inbox
from shared.messaging.retry import loop_backoff
from shared.messaging.subscriptions import Subscriptions
from shared.observability import CONSUMER_LAG, EVENTS_DUPLICATE, EVENTS_IGNORED
from shared.settings import ServiceSettings

log = logging.getLogger("qms.consumer")

COMMIT_INTERVAL_S = 1.0
STALL_WINDOW_S = 10.0
UNASSIGNED_WINDOW_S = 60.0


class ConsumerStalled(RuntimeError):
    pass


class BatchNotApplied(RuntimeError):
    """A fetched batch could not be applied (the database away or restarting, a dead letter the broker
    did not take): its partition is rewound to the batch's first offset, and the consumer stays in its
    group to fetch it again."""


class _CommitOnRevoke(ConsumerRebalanceListener):
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
        self._consumer: AIOKafkaConsumer | None = None
        self._finished: dict[TopicPartition, int] = {}
        self._stopping = asyncio.Event()
        self._batches = BatchApplier(
            self.name,
            sessions,
            subscriptions,
            Inbox(settings.service, self.name),
            settings.consumer_max_retries,
            self._stopping,
        )
        self._dead_letters = DeadLetterProducer(settings, self.name)
        self._task: asyncio.Task[None] | None = None
        self._profile = profile_of(settings)
        self._last_progress = self._last_records = time.monotonic()
        self._last_stall_check = 0.0
        self._last_assigned = time.monotonic()
        self._committed_at = time.monotonic()

    @property
    def fetch_wait_ms(self) -> int | None:
        """The wait of its consumer's next fetch, if it runs one."""
        return None if self._consumer is None else fetch_wait_of(self._consumer)

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
        backoff = loop_backoff()
        while not self._stopping.is_set():
            try:
                await self._ensure_started()
                await self._poll_once()
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except BatchNotApplied as exc:
                # Leaving and rejoining the group would not bring the database back (and rejoining
                # right after a database restart was seen to hang for over a minute on the embedded
                # broker); the Kafka client recovers from a broker hiccup on its own. The same
                # consumer fetches the rewound batch again.
                log.warning("consumer %s will apply again: %s", self.name, exc.__cause__)
                await backoff.pause(self._stopping)
            except Exception as exc:
                log.warning("consumer %s will retry: %s", self.name, exc)
                await self._close()
                await backoff.pause(self._stopping)

    async def _ensure_started(self) -> None:
        if self._consumer is not None:
            return
        consumer = make_consumer(self.settings, group_id=f"qms.{self.name}", client_id=f"{self.name}-consumer")
        consumer.subscribe(self.subscriptions.topics(), listener=_CommitOnRevoke(self))
        await started(consumer)
        self._consumer = consumer
        self._last_progress = self._last_assigned = time.monotonic()

    async def _close(self) -> None:
        # Offsets not committed yet are left to the inbox: a new consumer fetches them again.
        self._finished.clear()
        consumer, self._consumer = self._consumer, None
        await stopped(consumer)
        await self._dead_letters.close()

    async def _poll_once(self) -> None:
        assert self._consumer is not None
        # max_poll_records per assigned partition: with one budget for all, the first partition's
        # buffer filled the poll and the others waited instead of being applied beside it.
        budget = self.settings.kafka_max_poll_records * max(1, len(self._consumer.assignment()))
        batches = await self._consumer.getmany(timeout_ms=500, max_records=budget)
        if self._consumer.assignment():
            self._last_assigned = time.monotonic()
        if batches:
            self._last_progress = self._last_records = time.monotonic()
        set_fetch_wait(self._consumer, fetch_wait_ms(self._profile, time.monotonic() - self._last_records))
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
        applied = await self._batches.apply(tp, records)
        await self._dead_letters.send(applied.letters)
        EVENTS_DUPLICATE.labels(self.name, tp.topic).inc(applied.duplicates)
        EVENTS_IGNORED.labels(self.name, tp.topic).inc(applied.ignored)
