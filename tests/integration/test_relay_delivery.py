"""SPEC §9 Delivery, the relay's side: events of one key stay in order however many replicas run.

The relays here run in-process on a probe service's schema (its own role, schema and platform
tables, as a service's migrations leave them), so no service's relay touches their rows.
"""

import contextlib
import itertools
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from shared.bootstrap import asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, create_engine, make_sessionmaker
from shared.kafka import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.migrations import outbox_inserted_trigger
from shared.settings import ServiceSettings
from shared.stack import Stack
from shared.tables import platform_tables
from tests.support import events_in, eventually, read_topic, service_db

pytestmark = pytest.mark.integration

PROBE_SERVICE = "relayprobe"


async def prepare_probe_service(stack: Stack) -> None:
    """Role, schema, platform tables and the outbox's insert trigger of the probe service."""
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))  # type: ignore[arg-type]
    try:
        await ensure_service_schema(conn, PROBE_SERVICE, stack.db_password)
    finally:
        await conn.close()
    engine = create_engine(probe_settings(stack))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(platform_tables(PROBE_SERVICE).metadata.create_all)
            for statement in outbox_inserted_trigger(PROBE_SERVICE):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def probe_settings(stack: Stack, **overrides: Any) -> ServiceSettings:
    return ServiceSettings(
        QMS_DATABASE_URL=stack.database_url,
        QMS_KAFKA_BOOTSTRAP_SERVERS=stack.kafka_bootstrap_servers,
        service=PROBE_SERVICE,
        db_password=stack.db_password,
        **overrides,
    )


@contextlib.asynccontextmanager
async def running_relays(settings: ServiceSettings, count: int) -> AsyncIterator[list[OutboxRelay]]:
    """``count`` relays of the probe service, as ``count`` replicas run them; stopped on the way out."""
    engine = create_engine(settings)
    relays = [OutboxRelay(settings, make_sessionmaker(engine, PROBE_SERVICE)) for _ in range(count)]
    try:
        for relay in relays:
            await relay.start()
        yield relays
    finally:
        for relay in relays:
            await relay.stop()
        await engine.dispose()


async def write_in_order(stack: Stack, topic: str, keys: list[str], per_key: int) -> None:
    """``per_key`` events for each key, written in sequence order, the keys interleaved."""
    rows = [(key, seq) for seq, key in itertools.product(range(per_key), keys)]
    async with service_db(stack, PROBE_SERVICE) as conn:
        await conn.execute(
            f"INSERT INTO {PROBE_SERVICE}.outbox (event_id, topic, key, event_type, payload) "
            "SELECT gen_random_uuid(), $1, u.key, 'qms.test.relay_order.v1', "
            "jsonb_build_object('key', u.key, 'seq', u.seq) "
            "FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS u(key, seq, n) ORDER BY u.n",
            topic,
            [key for key, _ in rows],
            [seq for _, seq in rows],
        )


async def waiting_rows(stack: Stack) -> int:
    async with service_db(stack, PROBE_SERVICE) as conn:
        return int(await conn.fetchval(f"SELECT count(*) FROM {PROBE_SERVICE}.outbox_unpublished"))


async def drained(stack: Stack) -> bool:
    return await waiting_rows(stack) == 0


async def sequences_by_key(stack: Stack, topic: str) -> dict[str, list[int]]:
    records = await read_topic(stack.kafka_bootstrap_servers or "", topic, timeout=15)
    sequences: dict[str, list[int]] = defaultdict(list)
    for event in events_in(records):
        sequences[event["key"]].append(event["seq"])
    return sequences


async def test_spec9_two_relays_publish_each_keys_events_in_the_order_they_were_written(stack: Stack) -> None:
    """Two replicas' relays on one schema, small batches, many keys with several events each: every key's
    events reach the topic in the order they were written."""
    await prepare_probe_service(stack)
    topic = f"qms.test.relay-order-{uuid.uuid4().hex[:8]}"
    settings = probe_settings(stack, outbox_batch_size=3, outbox_poll_interval_s=0.05)
    await ensure_topics(settings, [topic])
    # Few keys, so one key's next event is a batch or two further on: the batches two relays claim side by
    # side hold events of the same keys.
    keys, per_key = [f"key-{n}" for n in range(6)], 100

    async with running_relays(settings, 2):
        await write_in_order(stack, topic, keys, per_key)
        await eventually(lambda: drained(stack), timeout=90)

    sequences = await sequences_by_key(stack, topic)
    out_of_order = {key: seqs for key, seqs in sequences.items() if seqs != sorted(seqs)}
    assert sorted(sequences) == sorted(keys)
    assert out_of_order == {}


async def test_spec9_a_standing_by_relay_publishes_once_the_publishing_one_stops(stack: Stack) -> None:
    """Only one relay publishes; the other stands by, and takes over when the first one's connection
    (and with it the publisher lock) is gone."""
    await prepare_probe_service(stack)
    topic = f"qms.test.relay-takeover-{uuid.uuid4().hex[:8]}"
    settings = probe_settings(stack, outbox_poll_interval_s=0.05)
    await ensure_topics(settings, [topic])

    async with running_relays(settings, 2) as relays:

        async def one_publishes() -> list[OutboxRelay]:
            return [relay for relay in relays if relay.publishing]

        publisher = await eventually(one_publishes, timeout=30)
        assert len(publisher) == 1
        await publisher[0].stop()
        await write_in_order(stack, topic, ["takeover"], 3)
        await eventually(lambda: drained(stack), timeout=30)

    assert (await sequences_by_key(stack, topic)) == {"takeover": [0, 1, 2]}
