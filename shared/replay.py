"""Recovery commands: re-publish dead letters, and re-publish a service's outbox since a time.

Both are safe to run more than once: every consumer's inbox drops an event id it has already applied.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events import topics
from shared.kafka import log_ends, make_consumer, make_probe, make_producer
from shared.settings import KafkaSettings
from shared.tables import outbox_channel
from shared.workcalendar import CHINA

REPLAY_GROUP = "qms.dlq-replay"


def original_headers(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(name, value) for name, value in headers if not name.startswith("dlq-")]


async def replay_dead_letters(settings: KafkaSettings, topic: str, idle_polls: int = 3) -> int:
    """Re-publishes the dead letters of ``topic`` not replayed before (progress kept by a consumer
    group), up to where the dead-letter topic ended when the replay started: a letter that fails
    again comes back to the dead-letter topic and waits for the next replay instead of keeping this
    one running for ever."""
    consumer = make_consumer(settings, group_id=REPLAY_GROUP, client_id="qms-dlq-replay")
    producer = make_producer(settings, "qms-dlq-replay")
    await consumer.start()
    await producer.start()
    replayed, idle = 0, 0
    try:
        dlq = topics.dlq(topic)
        partitions = [TopicPartition(dlq, p) for p in sorted(consumer.partitions_for_topic(dlq) or ())]
        consumer.assign(partitions)
        ends = await log_ends(settings, partitions)
        pending = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
        while pending and idle < idle_polls:
            batches = await consumer.getmany(*pending, timeout_ms=1000)
            idle = 0 if batches else idle + 1
            for tp, records in batches.items():
                due = [record for record in records if record.offset < ends[tp]]
                for record in due:
                    await producer.send_and_wait(
                        topic, key=record.key, value=record.value, headers=original_headers(list(record.headers))
                    )
                replayed += len(due)
                if due:
                    await consumer.commit({tp: due[-1].offset + 1})
                if len(due) < len(records) or await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
        await producer.stop()
    return replayed


@dataclass(frozen=True)
class DeadLetterView:
    """One dead letter as an operator reads it: where it lies, who refused it, why, and what it was."""

    topic: str
    partition: int
    offset: int
    consumer: str | None
    reason: str | None
    error: str | None
    original_partition: int | None
    original_offset: int | None
    event_id: str | None
    event_type: str | None
    dead_lettered_at: datetime


@dataclass(frozen=True)
class DeadLetterPage:
    letters: list[DeadLetterView]
    # Where each dead-letter partition's next page starts; None once every partition was read to its end.
    next_positions: dict[TopicPartition, int] | None


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def _event_identity(value: bytes | None) -> tuple[str | None, str | None]:
    """The event id and type, when the letter's value is an event at all (a poison message is not)."""
    try:
        event = json.loads(value or b"")
    except ValueError:
        return None, None
    if not isinstance(event, dict):
        return None, None
    event_id, event_type = event.get("id"), event.get("type")
    return (str(event_id) if event_id is not None else None), (str(event_type) if event_type is not None else None)


def view_of(topic: str, record: ConsumerRecord[bytes, bytes]) -> DeadLetterView:
    headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
    event_id, event_type = _event_identity(record.value)
    return DeadLetterView(
        topic=topic,
        partition=record.partition,
        offset=record.offset,
        consumer=headers.get("dlq-consumer"),
        reason=headers.get("dlq-reason"),
        error=headers.get("dlq-error"),
        original_partition=_int_or_none(headers.get("dlq-original-partition")),
        original_offset=_int_or_none(headers.get("dlq-original-offset")),
        event_id=event_id,
        event_type=event_type,
        dead_lettered_at=datetime.fromtimestamp(record.timestamp / 1000, UTC).astimezone(CHINA),
    )


def dead_letter_reader(settings: KafkaSettings) -> AIOKafkaConsumer:
    """Reads dead-letter partitions by offset, in no group: listing moves nobody's progress. Through
    the same connection options (TLS, SASL) as every other client."""
    return make_probe(settings, "qms-dlq-reader")


async def _dead_letter_partitions(reader: AIOKafkaConsumer, topic_names: list[str]) -> list[TopicPartition]:
    await reader.topics()  # the cluster's metadata, so every dead-letter topic's partitions are known
    return [
        TopicPartition(topics.dlq(topic), partition)
        for topic in sorted(topic_names)
        for partition in sorted(reader.partitions_for_topic(topics.dlq(topic)) or ())
    ]


async def _read_range(
    reader: AIOKafkaConsumer, tp: TopicPartition, start: int, end: int, limit: int, idle_polls: int = 3
) -> list[ConsumerRecord[bytes, bytes]]:
    """Up to ``limit`` records of one partition from ``start``, short of ``end``."""
    reader.seek(tp, start)
    records: list[ConsumerRecord[bytes, bytes]] = []
    idle = 0
    while len(records) < limit and await reader.position(tp) < end and idle < idle_polls:
        batch = (await reader.getmany(tp, timeout_ms=1000, max_records=limit - len(records))).get(tp, [])
        idle = 0 if batch else idle + 1
        records.extend(record for record in batch if start <= record.offset < end)
    return records[:limit]


async def list_dead_letters(
    settings: KafkaSettings, topic_names: list[str], positions: dict[TopicPartition, int] | None, limit: int
) -> DeadLetterPage:
    """The dead letters of ``topic_names`` in (topic, partition, offset) order, from ``positions`` on
    (each partition's start without them), at most ``limit``; replayed letters stay listed."""
    reader = dead_letter_reader(settings)
    await reader.start()
    try:
        partitions = await _dead_letter_partitions(reader, topic_names)
        if not partitions:
            return DeadLetterPage([], None)
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        starts = {tp: await reader.position(tp) for tp in partitions}
        ends = await log_ends(settings, partitions)
        next_positions = {tp: max(starts[tp], (positions or {}).get(tp, 0)) for tp in partitions}
        letters: list[DeadLetterView] = []
        for tp in partitions:
            if len(letters) >= limit:
                break
            records = await _read_range(reader, tp, next_positions[tp], ends[tp], limit - len(letters))
            letters.extend(view_of(tp.topic.removesuffix(".dlq"), record) for record in records)
            next_positions[tp] = records[-1].offset + 1 if len(letters) >= limit and records else ends[tp]
        more = any(next_positions[tp] < ends[tp] for tp in partitions)
        return DeadLetterPage(letters, next_positions if more else None)
    finally:
        await reader.stop()


async def replay_dead_letter(settings: KafkaSettings, topic: str, partition: int, offset: int) -> bool:
    """Re-publishes the one dead letter of ``topic`` at ``partition``/``offset`` of its dead-letter
    topic to ``topic``; False when there is none there."""
    reader = dead_letter_reader(settings)
    producer = make_producer(settings, "qms-dlq-replay")
    await reader.start()
    await producer.start()
    try:
        tp = TopicPartition(topics.dlq(topic), partition)
        if tp not in await _dead_letter_partitions(reader, [topic]):
            return False
        reader.assign([tp])
        end = (await log_ends(settings, [tp]))[tp]
        found = await _read_range(reader, tp, offset, min(end, offset + 1), 1) if offset < end else []
        for record in found:
            await producer.send_and_wait(
                topic, key=record.key, value=record.value, headers=original_headers(list(record.headers))
            )
        return bool(found)
    finally:
        await reader.stop()
        await producer.stop()


async def replay_outbox(database_url: str, service: str, password: str, since: datetime) -> int:
    """Lists the service's events since ``since`` as unpublished again; its relay publishes them again.
    Returns how many were listed (those still waiting were already)."""
    conn = await asyncpg.connect(**asyncpg_kwargs(service_url(database_url, service, password)))
    try:
        status = await conn.execute(
            f"INSERT INTO {service}.outbox_unpublished (id) SELECT id FROM {service}.outbox WHERE created_at >= $1 "
            "ON CONFLICT (id) DO NOTHING",
            since,
        )
        await conn.execute("SELECT pg_notify($1, '')", outbox_channel(service))
    finally:
        await conn.close()
    return int(status.split()[-1])
