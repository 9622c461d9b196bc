"""relay_*: an in-process ``OutboxRelay`` (the services' own class and settings) draining N rows
pre-inserted set-based into the ``bench`` pseudo-service's outbox, vs one aiokafka producer (the
services' ``make_producer`` settings) sending the same keys, payloads and headers and awaiting every
acknowledgement. Both clocks include starting the client."""

import asyncio
import json
import time
from typing import Any

from bench.env import BENCH_SERVICE, BenchEnv
from bench.events import new_tag, outbox_rows, return_events, wire_value
from shared.db import create_engine, make_sessionmaker
from shared.kafka import make_producer
from shared.messaging.relay import OutboxRelay

RELAY_TOPIC = "qms.bench.relay"
PRODUCE_TOPIC = "qms.bench.produce"


async def insert_outbox(env: BenchEnv, rows: list[dict[str, Any]]) -> None:
    async with env.admin() as conn:
        await conn.execute(
            f"""
            INSERT INTO {BENCH_SERVICE}.outbox (event_id, topic, key, event_type, payload)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
            """,
            [row["event_id"] for row in rows],
            [row["topic"] for row in rows],
            [row["key"] for row in rows],
            [row["event_type"] for row in rows],
            [json.dumps(row["payload"], ensure_ascii=False) for row in rows],
        )


async def relay_events_per_s(env: BenchEnv, count: int) -> float:
    rows = outbox_rows(return_events(count, new_tag()), RELAY_TOPIC)
    await insert_outbox(env, rows)
    settings = env.settings()
    engine = create_engine(settings)
    relay = OutboxRelay(settings, make_sessionmaker(engine, BENCH_SERVICE))
    started = time.perf_counter()
    await relay.start()
    try:
        async with env.admin() as conn:
            query = f"SELECT count(*) FROM {BENCH_SERVICE}.outbox_unpublished"
            while True:
                if await conn.fetchval(query) == 0:
                    break
                await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        await relay.stop()
        await engine.dispose()
    return count / elapsed


async def raw_produce_per_s(env: BenchEnv, count: int) -> float:
    rows = outbox_rows(return_events(count, new_tag()), PRODUCE_TOPIC)
    messages = [(row["key"].encode(), wire_value(row)) for row in rows]
    headers = [("content-type", b"application/cloudevents+json")]
    producer = make_producer(env.settings(), "bench-raw-producer")
    started = time.perf_counter()
    await producer.start()
    try:
        futures = [await producer.send(PRODUCE_TOPIC, key=key, value=value, headers=headers) for key, value in messages]
        await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    return count / elapsed
