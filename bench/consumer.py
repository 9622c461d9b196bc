"""consumer_*: a backlog of N ``return.recorded`` events applied by a consumer (one transaction per
fetched batch, inbox rows included) vs aiokafka merely fetching the same N records.

Both rates are taken between the first and the last batch (events after the first batch ÷ time),
so the consumer-group join before the first fetch counts for neither.

When classification subscribes to ``ReturnRecordedV1`` the measured consumer is classification
itself: stopped, the backlog produced onto ``qms.intake.returns``, restarted, and its inbox polled.
Until then it is the platform's ``ConsumerRunner`` in-process with a no-op batch handler (decode,
inbox claim and one transaction per batch; no aggregate work) on a bench topic, and the JSON says so.
"""

import asyncio
import time
import uuid
from typing import ClassVar

from aiokafka import TopicPartition

from bench.env import BENCH_SERVICE, BenchEnv
from bench.events import new_tag, outbox_rows, return_events, wire_value
from shared.db import create_engine, make_sessionmaker
from shared.events import Envelope, topics
from shared.events.intake import ReturnRecordedV1
from shared.events.registry import register
from shared.kafka import make_consumer, make_producer
from shared.messaging.runner import ConsumerRunner
from shared.messaging.subscriptions import Subscriptions

BENCH_TOPIC = "qms.bench.returns"


@register
class BenchReturnRecordedV1(ReturnRecordedV1):
    """ReturnRecordedV1's fields on a topic no service consumes (the in-process runner's stand-in)."""

    TYPE: ClassVar[str] = "qms.bench.return.recorded.v1"
    TOPIC: ClassVar[str] = BENCH_TOPIC


def classification_consumes_returns() -> bool:
    from services.classification.returns.handlers import subscriptions

    return ReturnRecordedV1.TYPE in subscriptions.types()


def mode() -> str:
    return "classification" if classification_consumes_returns() else "runner-noop"


async def end_offsets(env: BenchEnv, topic: str) -> dict[TopicPartition, int]:
    consumer = make_consumer(env.settings(), group_id=f"bench-offsets-{uuid.uuid4().hex[:8]}", client_id="bench")
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    finally:
        await consumer.stop()
    return await env.log_ends(partitions)


async def produce_backlog(env: BenchEnv, topic: str, count: int, event_type: str) -> None:
    rows = outbox_rows(return_events(count, new_tag()), topic)
    for row in rows:
        row["payload"]["type"] = event_type
    producer = make_producer(env.settings(), "bench-backlog")
    await producer.start()
    try:
        headers = [("content-type", b"application/cloudevents+json")]
        futures = [
            await producer.send(topic, key=row["key"].encode(), value=wire_value(row), headers=headers) for row in rows
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def inbox_rate(env: BenchEnv, schema: str, consumer: str, before: int, count: int, timeout: float) -> float:
    """Polls the consumer's inbox until ``count`` new rows are committed; the rate between the first
    and the last committed batch."""
    query = f"SELECT count(*) FROM {schema}.inbox WHERE consumer = $1"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    first: tuple[float, int] | None = None
    async with env.admin() as conn:
        while True:
            seen = int(await conn.fetchval(query, consumer)) - before
            now = time.perf_counter()
            if seen > 0 and first is None:
                first = (now, seen)
            if seen >= count:
                break
            if loop.time() > deadline:
                raise TimeoutError(f"{consumer} applied {seen} of {count} events in {timeout}s")
            await asyncio.sleep(0.02)
    assert first is not None
    elapsed = now - first[0]
    return (count - first[1]) / elapsed if elapsed > 0 else float("nan")


async def inbox_count(env: BenchEnv, schema: str, consumer: str) -> int:
    async with env.admin() as conn:
        return int(await conn.fetchval(f"SELECT count(*) FROM {schema}.inbox WHERE consumer = $1", consumer))


async def consumer_round(env: BenchEnv, count: int, timeout: float = 900) -> tuple[float, float]:
    """One round: (consumer events/s, raw consume events/s) on the same backlog."""
    if classification_consumes_returns():
        topic = topics.RETURNS
        before_offsets = await end_offsets(env, topic)
        before = await inbox_count(env, "classification", "classification")
        service = env.stack.services["classification"]
        service.stop()
        await produce_backlog(env, topic, count, ReturnRecordedV1.TYPE)
        service.start()
        measured = await inbox_rate(env, "classification", "classification", before, count, timeout)
    else:
        topic = BENCH_TOPIC
        await env.create_topic(topic)
        before_offsets = await end_offsets(env, topic)
        await produce_backlog(env, topic, count, BenchReturnRecordedV1.TYPE)
        measured = await runner_noop_rate(env, before_offsets, count, timeout)
    raw = await raw_consume_rate(env, before_offsets, count)
    return measured, raw


async def runner_noop_rate(
    env: BenchEnv, start_offsets: dict[TopicPartition, int], count: int, timeout: float
) -> float:
    subscriptions = Subscriptions()

    @subscriptions.on_batch(BenchReturnRecordedV1)
    async def noop(_session: object, _items: list[tuple[Envelope, BenchReturnRecordedV1]]) -> None:
        return None

    name = f"bench-{new_tag()}"
    await commit_offsets(env, f"qms.{name}", start_offsets)
    settings = env.settings()
    engine = create_engine(settings)
    runner = ConsumerRunner(settings, make_sessionmaker(engine, BENCH_SERVICE), subscriptions, name=name)
    await runner.start()
    try:
        return await inbox_rate(env, BENCH_SERVICE, name, 0, count, timeout)
    finally:
        await runner.stop()
        await engine.dispose()


async def commit_offsets(env: BenchEnv, group: str, offsets: dict[TopicPartition, int]) -> None:
    """Starts ``group`` where this round's backlog begins, so earlier rounds' records are not read."""
    consumer = make_consumer(env.settings(), group_id=group, client_id="bench-offsets")
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit(offsets)
    finally:
        await consumer.stop()


async def raw_consume_rate(env: BenchEnv, start_offsets: dict[TopicPartition, int], count: int) -> float:
    consumer = make_consumer(env.settings(), group_id=f"bench-raw-{new_tag()}", client_id="bench-raw")
    await consumer.start()
    try:
        consumer.assign(list(start_offsets))
        for tp, offset in start_offsets.items():
            consumer.seek(tp, offset)
        seen = 0
        first: tuple[float, int] | None = None
        while seen < count:
            batches = await consumer.getmany(timeout_ms=500)
            seen += sum(len(records) for records in batches.values())
            if seen and first is None:
                first = (time.perf_counter(), seen)
        assert first is not None
        elapsed = time.perf_counter() - first[0]
        return (count - first[1]) / elapsed if elapsed > 0 else float("nan")
    finally:
        await consumer.stop()
