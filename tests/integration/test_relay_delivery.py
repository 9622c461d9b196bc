"""SPEC §9 Delivery, the relay's side: events of one key stay in order however many replicas run.

The relays here run in-process on a probe service's schema (its own role, schema and platform
tables, as a service's migrations leave them), so no service's relay touches their rows.
"""

import itertools
import uuid
from collections import defaultdict

import pytest

from shared.kafka import ensure_topics
from shared.messaging.relay import OutboxRelay
from shared.stack import Stack
from tests.integration.delivery_helpers import (
    PROBE_SERVICE,
    drained,
    prepare_probe_service,
    probe_settings,
    running_relays,
)
from tests.support import events_in, eventually, read_topic, service_db

pytestmark = pytest.mark.integration


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
