"""Recovery commands: re-publish dead letters, and re-publish a service's outbox since a time.

Both are safe to run more than once: every consumer's inbox drops an event id it has already applied.
"""

from datetime import datetime

import asyncpg
from aiokafka import TopicPartition

from shared.bootstrap import asyncpg_kwargs
from shared.db import service_url
from shared.events import topics
from shared.kafka import make_consumer, make_producer
from shared.settings import KafkaSettings
from shared.tables import outbox_channel

REPLAY_GROUP = "qms.dlq-replay"


def original_headers(headers: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(name, value) for name, value in headers if not name.startswith("dlq-")]


async def replay_dead_letters(settings: KafkaSettings, topic: str, idle_polls: int = 3) -> int:
    """Re-publishes every dead letter of ``topic`` not replayed before (progress kept by a consumer group)."""
    consumer = make_consumer(settings, group_id=REPLAY_GROUP, client_id="qms-dlq-replay")
    producer = make_producer(settings, "qms-dlq-replay")
    consumer.subscribe([topics.dlq(topic)])
    await consumer.start()
    await producer.start()
    replayed, idle = 0, 0
    try:
        while idle < idle_polls:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches:
                idle += 1
                continue
            idle = 0
            offsets: dict[TopicPartition, int] = {}
            for tp, records in batches.items():
                for record in records:
                    await producer.send_and_wait(
                        topic, key=record.key, value=record.value, headers=original_headers(list(record.headers))
                    )
                    replayed += 1
                offsets[tp] = records[-1].offset + 1
            await consumer.commit(offsets)
    finally:
        await consumer.stop()
        await producer.stop()
    return replayed


async def replay_outbox(database_url: str, service: str, password: str, since: datetime) -> int:
    """Marks the service's events since ``since`` unpublished; its relay publishes them again."""
    conn = await asyncpg.connect(**asyncpg_kwargs(service_url(database_url, service, password)))  # type: ignore[arg-type]
    try:
        status = await conn.execute(
            f"UPDATE {service}.outbox SET published_at = NULL WHERE created_at >= $1 AND published_at IS NOT NULL",
            since,
        )
        await conn.execute("SELECT pg_notify($1, '')", outbox_channel(service))
    finally:
        await conn.close()
    return int(status.split()[-1])
