"""Faults survived (issue 7): consumers killed, Postgres restarted, replicas sharing a group,
dead letters replayed. Every check counts exact effects in the database.

On a stack of its own: consumers and Postgres are killed and restarted under it."""

import asyncio
import signal
import uuid

import asyncpg
import httpx
import pytest

from shared.bootstrap import asyncpg_kwargs
from shared.db import admin_url
from shared.events import topics
from shared.kafka import ensure_topics
from shared.replay import replay_dead_letters
from shared.stack import Stack
from tests.integration.delivery_helpers import complaint_event, incidents_for
from tests.integration.factories import product_complaint
from tests.integration.sanctions_helpers import classified, message
from tests.support import auth, eventually, produce, produce_one_batch, read_topic

pytestmark = pytest.mark.integration


async def incident_counts(stack: Stack, source_ids: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    try:
        rows = await conn.fetch(
            "SELECT source_id, count(*) AS n FROM classification.incident_sources "
            "WHERE source_id = ANY($1::text[]) GROUP BY source_id",
            source_ids,
        )
    finally:
        await conn.close()
    return {row["source_id"]: row["n"] for row in rows}


async def produce_complaints(stack: Stack, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    await produce(
        stack.kafka_bootstrap_servers or "", topics.COMPLAINTS, [(i.encode(), complaint_event(i)) for i in ids]
    )
    return ids


async def all_applied_once(stack: Stack, ids: list[str]) -> dict[str, int]:
    async def complete() -> dict[str, int] | None:
        counts = await incident_counts(stack, ids)
        return counts if len(counts) == len(ids) else None

    return await eventually(complete, timeout=120, interval=0.5)


async def test_consumer_killed_mid_stream_applies_every_event_exactly_once(stack: Stack) -> None:
    ids = await produce_complaints(stack, 400)
    await eventually(lambda: incident_counts(stack, ids), interval=0.02)

    await asyncio.to_thread(stack.restart_service, "classification", signal.SIGKILL)

    counts = await all_applied_once(stack, ids)
    assert set(counts.values()) == {1}


async def test_two_classification_instances_in_one_group_apply_each_event_once(stack: Stack) -> None:
    replica = await asyncio.to_thread(stack.start_replica, "classification", "b")
    try:
        ids: list[str] = []

        async def replica_consumed() -> bool:
            ids.extend(await produce_complaints(stack, 50))
            async with httpx.AsyncClient(base_url=replica.url) as client:
                text = (await client.get("/metrics")).text
            return 'qms_events_consumed_total{service="classification",topic="qms.intake.complaints"}' in text

        await eventually(replica_consumed, timeout=90, interval=1.0)
        counts = await all_applied_once(stack, ids)
        assert set(counts.values()) == {1}
    finally:
        await asyncio.to_thread(replica.stop)
        stack.services.pop("classification-b", None)


async def test_postgres_restart_makes_services_not_ready_then_they_recover(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    assert stack.postgres is not None
    statuses: list[int] = []
    stop = asyncio.Event()

    async def keep_posting() -> None:
        while not stop.is_set():
            response = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
            statuses.append(response.status_code)
            await asyncio.sleep(0.02)

    poster = asyncio.create_task(keep_posting())
    await asyncio.sleep(0.3)
    server = stack.postgres.server
    assert server is not None
    await asyncio.to_thread(server.stop)
    not_ready = await intake.get("/readyz")
    await asyncio.to_thread(server.ensure_postgres_running)

    async def ready() -> bool:
        return (await intake.get("/readyz")).status_code == 200 and (
            await classification.get("/readyz")
        ).status_code == 200

    await eventually(ready, timeout=60)
    await asyncio.sleep(0.3)
    stop.set()
    await poster

    assert not_ready.status_code == 503
    assert not_ready.json()["checks"]["database"] != "ok"
    assert set(statuses) <= {201, 503}, statuses
    response = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    assert response.status_code == 201
    await eventually(lambda: incidents_for(classification, response.json()["id"]), timeout=60)


async def test_replayed_dead_letter_is_applied(stack: Stack, classification: httpx.AsyncClient) -> None:
    complaint_id = str(uuid.uuid4())
    bootstrap = stack.kafka_bootstrap_servers or ""
    await produce(bootstrap, topics.dlq(topics.COMPLAINTS), [(complaint_id.encode(), complaint_event(complaint_id))])

    replayed = await replay_dead_letters(stack.kafka_settings(), topics.COMPLAINTS)

    assert replayed >= 1
    items = await eventually(lambda: incidents_for(classification, complaint_id))
    assert len(items) == 1


async def test_replay_republishes_every_letter_of_a_last_record_batch_holding_several(stack: Stack) -> None:
    """Tansu answers ListOffsets with the first offset of the last record batch plus one: the replay
    takes each dead-letter partition's end from its fetch responses, so no letter of that batch stays
    behind."""
    topic = f"qms.test.replay-batch-{uuid.uuid4().hex[:8]}"
    settings = stack.kafka_settings()
    await ensure_topics(settings, [topic, topics.dlq(topic)])
    letters = [f"letter-{n}".encode() for n in range(4)]
    await produce_one_batch(stack.kafka_bootstrap_servers or "", topics.dlq(topic), [(b"one-key", v) for v in letters])

    replayed = await asyncio.wait_for(replay_dead_letters(settings, topic), timeout=60)

    assert replayed == len(letters)
    assert sorted(record.value for record in await read_topic(stack.kafka_bootstrap_servers or "", topic)) == letters


async def test_a_dead_letter_that_fails_again_waits_for_the_next_replay(stack: Stack) -> None:
    """Replay stops where the dead-letter topic ended when it started: a letter the consumers dead-letter
    again comes back for the next replay instead of keeping this one running for ever."""
    bootstrap = stack.kafka_bootstrap_servers or ""
    poison = f"still poison {uuid.uuid4()}".encode()
    await produce(bootstrap, topics.dlq(topics.COMPLAINTS), [(b"poison", poison)])

    async def dead_lettered_again() -> bool:
        records = await read_topic(bootstrap, topics.dlq(topics.COMPLAINTS))
        return sum(record.value == poison for record in records) >= 2

    first = await asyncio.wait_for(replay_dead_letters(stack.kafka_settings(), topics.COMPLAINTS), timeout=60)
    await eventually(dead_lettered_again, timeout=60)
    second = await asyncio.wait_for(replay_dead_letters(stack.kafka_settings(), topics.COMPLAINTS), timeout=60)

    assert first >= 1
    assert second >= 1


async def draft_counts(stack: Stack, incident_ids: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    try:
        rows = await conn.fetch(
            "SELECT incident_id, count(*) AS n FROM sanctions.notices "
            "WHERE incident_id = ANY($1::text[]) AND clause = '5.2.1.13' GROUP BY incident_id",
            incident_ids,
        )
    finally:
        await conn.close()
    return {row["incident_id"]: row["n"] for row in rows}


async def test_two_sanctions_instances_draft_one_notice_per_incident(stack: Stack) -> None:
    replica = await asyncio.to_thread(stack.start_replica, "sanctions", "b")
    bootstrap = stack.kafka_bootstrap_servers or ""
    try:
        incidents: list[str] = []

        async def replica_consumed() -> bool:
            batch = [str(uuid.uuid4()) for _ in range(30)]
            incidents.extend(batch)
            # Every event twice, as a redelivery across a rebalance would bring it.
            messages = [message(i, classified(i, f"H-{i[:8]}")) for i in batch]
            await produce(bootstrap, topics.INCIDENTS, messages + messages)
            async with httpx.AsyncClient(base_url=replica.url) as client:
                text = (await client.get("/metrics")).text
            return 'qms_events_consumed_total{service="sanctions",topic="qms.classification.incidents"}' in text

        await eventually(replica_consumed, timeout=90, interval=1.0)

        async def all_drafted() -> dict[str, int] | None:
            counts = await draft_counts(stack, incidents)
            return counts if len(counts) == len(incidents) else None

        counts = await eventually(all_drafted, timeout=120, interval=0.5)
        assert set(counts.values()) == {1}
    finally:
        await asyncio.to_thread(replica.stop)
        stack.services.pop("sanctions-b", None)
