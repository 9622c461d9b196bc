"""Recovery commands: re-publish dead letters, and re-publish a service's outbox since a time.

Both are safe to run more than once: every consumer's inbox drops an event id it has already applied.
"""

from datetime import datetime

import asyncpg
from aiokafka import TopicPartition

from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events import topics
from shared.kafka import log_ends, make_consumer, make_producer
from shared.settings import KafkaSettings
from shared.tables import outbox_channel

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


async def replay_outbox(database_url: str, service: str, password: str, since: datetime) -> int:
    """Lists the service's events since ``since`` as unpublished again; its relay publishes them again.
    Returns how many were listed (those still waiting were already)."""
    conn = await asyncpg.connect(**asyncpg_kwargs(service_url(database_url, service, password)))  # type: ignore[arg-type]
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
