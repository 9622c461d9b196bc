"""Dead letters: a message that is no event, an event of a type or version the registry does not
know, or one whose handler keeps failing goes to ``<topic>.dlq`` with the error, and the consumer moves
on. The letters are decided inside the batch's transaction and produced once it committed, so a batch
rolled back and applied again produces none twice."""

import asyncio
import logging
import re
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer, ConsumerRecord

from shared.events import REGISTRY, topics
from shared.kafka import make_producer, started, stopped
from shared.observability import EVENTS_DEAD_LETTERED
from shared.settings import KafkaSettings

log = logging.getLogger("qms.consumer")

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


def dead_letter_headers(letter: DeadLetter, consumer: str) -> list[tuple[str, bytes]]:
    """The original headers, and what ops need to judge and replay the letter."""
    record = letter.record
    return [
        *(record.headers or ()),
        ("dlq-error", letter.error[:4000].encode()),
        ("dlq-reason", letter.reason.encode()),
        ("dlq-consumer", consumer.encode()),
        ("dlq-original-topic", record.topic.encode()),
        ("dlq-original-partition", str(record.partition).encode()),
        ("dlq-original-offset", str(record.offset).encode()),
    ]


class DeadLetterProducer:
    """Produces a consumer's dead letters. Its producer starts on first use, so a broker hiccup at
    start-up cannot block polling."""

    def __init__(self, settings: KafkaSettings, consumer: str) -> None:
        self.settings = settings
        self.consumer = consumer
        self._producer: AIOKafkaProducer | None = None
        # Partitions applied side by side may dead-letter at once: only one of them starts it.
        self._starting = asyncio.Lock()

    async def send(self, letters: list[DeadLetter]) -> None:
        """Produces what a committed batch decided. A broker that refuses fails the batch: it is rewound
        and applied again, and the inbox lets its dead-lettered events be tried again."""
        for letter in letters:
            await self._send_one(letter)

    async def close(self) -> None:
        producer, self._producer = self._producer, None
        await stopped(producer)

    async def _started_producer(self) -> AIOKafkaProducer:
        async with self._starting:
            if self._producer is None:
                producer = make_producer(self.settings, f"{self.consumer}-dlq")
                await started(producer)
                self._producer = producer
            return self._producer

    async def _send_one(self, letter: DeadLetter) -> None:
        producer = await self._started_producer()
        record = letter.record
        await producer.send_and_wait(
            topics.dlq(record.topic),
            key=record.key,
            value=record.value,
            headers=dead_letter_headers(letter, self.consumer),
        )
        EVENTS_DEAD_LETTERED.labels(self.consumer, record.topic, letter.reason).inc()
        where = f"{record.topic}[{record.partition}]@{record.offset}"
        log.error("dead-lettered %s (%s): %s", where, letter.reason, letter.error)
