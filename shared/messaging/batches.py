"""One fetched batch of one partition applied in one database transaction, which also claims every
event id in the inbox. Transient database errors (deadlock, lock timeout, the database away) retry the
batch in a fresh transaction with backoff, never dead-letter. A handler that keeps failing is tried
``consumer_max_retries`` times, then its event is decided a dead letter and the others are applied. An
event of a known type the consumer does not subscribe to is ignored and counted as such."""

import asyncio
import logging
import traceback
from dataclasses import dataclass

from aiokafka import ConsumerRecord, TopicPartition
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.messaging.dead_letters import HANDLER_FAILED, UNDECODABLE, DeadLetter
from shared.messaging.inbox import Inbox
from shared.messaging.incoming import Incoming, caused_by, decode, runs_of_one_type
from shared.messaging.retry import Backoff
from shared.messaging.subscriptions import Subscriptions
from shared.observability import (
    EVENTS_CONSUMED,
    EVENTS_FAILED,
    count_when_committed,
    counted_on_commit,
    uncounted_on_error,
)
from shared.transient import is_transient

log = logging.getLogger("qms.consumer")

# A transient error retries the batch in a fresh transaction this many times, the pause doubling from
# the first; after that the batch is rewound and fetched again (never dead-lettered).
TRANSIENT_ATTEMPTS = 5
TRANSIENT_FIRST_PAUSE_S = 0.05
TRANSIENT_PAUSE_CAP_S = TRANSIENT_FIRST_PAUSE_S * 2 ** (TRANSIENT_ATTEMPTS - 2)


@dataclass(frozen=True)
class Applied:
    """What applying a batch decided: the dead letters to produce, in offset order, how many of its
    events the inbox dropped as duplicates, and how many were of types the consumer does not apply."""

    letters: list[DeadLetter]
    duplicates: int
    ignored: int


class BatchApplier:
    def __init__(
        self,
        name: str,
        sessions: async_sessionmaker[AsyncSession],
        subscriptions: Subscriptions,
        inbox: Inbox,
        max_retries: int,
        stopping: asyncio.Event,
    ) -> None:
        self.name = name
        self.sessions = sessions
        self.subscriptions = subscriptions
        self.inbox = inbox
        self.max_retries = max_retries
        self.stopping = stopping

    async def apply(self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]) -> Applied:
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
        return Applied(letters, duplicates, ignored=len(decoded) - len(wanted))

    async def _apply_retrying_transient(
        self, tp: TopicPartition, wanted: list[Incoming]
    ) -> tuple[list[DeadLetter], int]:
        """A transient error takes the transaction with it; the batch is tried again in a fresh one."""
        backoff = Backoff(TRANSIENT_FIRST_PAUSE_S, TRANSIENT_PAUSE_CAP_S)
        for attempt in range(1, TRANSIENT_ATTEMPTS + 1):
            try:
                return await self._apply_in_transaction(tp, wanted)
            except Exception as exc:
                if not is_transient(exc) or attempt == TRANSIENT_ATTEMPTS:
                    raise
                log.warning("batch of %s on %s met a transient error, trying again: %s", len(wanted), tp, exc)
                await backoff.pause(self.stopping)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _apply_in_transaction(self, tp: TopicPartition, wanted: list[Incoming]) -> tuple[list[DeadLetter], int]:
        """The dead letters the committed transaction decided, and how many events the inbox dropped."""
        try:
            with counted_on_commit():
                async with self.sessions() as session, session.begin():
                    fresh = await self.inbox.claim(session, wanted)
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
                fresh = await self.inbox.claim(session, wanted)
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
        for _attempt in range(self.max_retries):
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
        await self.inbox.mark_dead_lettered(session, envelope.id)
