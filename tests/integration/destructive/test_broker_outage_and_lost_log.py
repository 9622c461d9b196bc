"""The broker stopped while a complaint is posted: it is accepted, and arrives once the broker is back;
the broker's data lost entirely: the relays re-publish what consumers may not have applied by
themselves, the outbox replay still works, and the inboxes make both harmless.

On a stack of its own: the memory broker loses its topics on restart, which every consumer then rejoins.
"""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest

from shared.events import Envelope
from shared.events.intake import ComplaintReceivedV1
from shared.events.registry import register
from shared.kafka import ensure_topics
from shared.messaging.outbox import outbox_row
from shared.messaging.subscriptions import Subscriptions
from shared.replay import replay_outbox
from shared.stack import Stack
from tests.integration.delivery_helpers import (
    PROBE_SERVICE,
    complaint_event,
    drained,
    in_process_runner,
    incidents_for,
    prepare_probe_service,
    probe_settings,
    runner_settings,
    running_relays,
)
from tests.integration.factories import product_complaint
from tests.support import auth, eventually, metric, service_db

pytestmark = pytest.mark.integration


async def test_complaint_posted_while_broker_is_down_arrives_after_restart(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    assert stack.broker is not None
    stack.broker.stop()
    try:
        response = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
        assert response.status_code == 201, response.text
        ready = await intake.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"] != "ok"
        assert await eventually(lambda: outbox_backlog(intake), timeout=60) >= 1
    finally:
        stack.broker.start()
        await ensure_topics(stack.kafka_settings())

    # The relay's backoff, the consumer's rejoin and the lost log's republish all follow the restart; on
    # a loaded machine the incident was once not there within 90 s.
    items = await eventually(lambda: incidents_for(classification, response.json()["id"]), timeout=180)
    assert len(items) == 1


async def test_broker_data_lost_outbox_replay_republishes_and_consumers_ignore_what_they_applied(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    assert stack.broker is not None
    since = datetime.now(UTC)
    before = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    await eventually(lambda: incidents_for(classification, before.json()["id"]), timeout=60)
    duplicates_before = await duplicates_seen(classification)

    stack.broker.stop()
    stack.broker.start()
    await ensure_topics(stack.kafka_settings())
    replayed = await replay_outbox(stack.database_url or "", "intake", stack.db_password, since)
    after = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))

    assert replayed >= 1
    await eventually(lambda: incidents_for(classification, after.json()["id"]), timeout=90)

    async def replay_seen_as_duplicate() -> bool:
        return await duplicates_seen(classification) > duplicates_before

    await eventually(replay_seen_as_duplicate, timeout=60)
    assert len(await incidents_for(classification, before.json()["id"])) == 1


async def duplicates_seen(client: httpx.AsyncClient) -> float:
    return await metric(client, 'qms_events_duplicate_total{service="classification",topic="qms.intake.complaints"}')


async def outbox_backlog(client: httpx.AsyncClient) -> float:
    """The ``qms_outbox_backlog`` gauge: rows waiting for the broker, as ops see them."""
    return await metric(client, 'qms_outbox_backlog{service="intake"}')


@register
class LostLogProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, published by the probe service's relay."""

    TYPE: ClassVar[str] = "qms.test.lost-log.v1"
    TOPIC: ClassVar[str] = "qms.test.lost-log"


async def write_probe_events(stack: Stack, count: int) -> list[str]:
    """``count`` probe events in the probe service's outbox (keys spread over the partitions); their ids."""
    complaint = json_of(complaint_event(str(uuid.uuid4())))["data"]
    rows = [outbox_row(LostLogProbeV1(**{**complaint, "complaint_id": str(uuid.uuid4())})) for _ in range(count)]
    async with service_db(stack, PROBE_SERVICE) as conn:
        await conn.executemany(
            f"INSERT INTO {PROBE_SERVICE}.outbox (event_id, topic, key, event_type, payload) "
            "VALUES ($1, $2, $3, $4, $5::jsonb)",
            [(row["event_id"], row["topic"], row["key"], row["event_type"], json_text(row["payload"])) for row in rows],
        )
    return [str(row["event_id"]) for row in rows]


def json_of(value: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(value)
    return loaded


def json_text(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


async def test_spec9_events_a_restarted_broker_lost_before_they_were_consumed_are_applied_once_unasked(
    stack: Stack,
) -> None:
    """Events published and acknowledged while their consumer was not running, then the memory broker
    restarted (its log gone): without anyone running a command, the relay notices and publishes them
    again, and the consumer, once started, applies each of them exactly once."""
    assert stack.broker is not None
    await prepare_probe_service(stack)
    settings = probe_settings(stack, outbox_poll_interval_s=0.1)
    await ensure_topics(settings, [LostLogProbeV1.TOPIC])
    applied: list[str] = []
    subscriptions = Subscriptions()

    @subscriptions.on_batch(LostLogProbeV1)
    async def note(_session: object, items: list[tuple[Envelope, LostLogProbeV1]]) -> None:
        applied.extend(str(envelope.id) for envelope, _ in items)

    async with running_relays(settings, 1):
        event_ids = await write_probe_events(stack, 300)
        await eventually(lambda: drained(stack), timeout=60)
        await asyncio.to_thread(stack.restart_broker)

        async def all_applied() -> bool:
            return len(set(applied)) >= len(event_ids)

        name = f"lost-log-{uuid.uuid4().hex[:8]}"
        async with in_process_runner(runner_settings(stack), subscriptions, name) as runner:
            await runner.start()
            await eventually(all_applied, timeout=120, interval=0.5)

    assert sorted(applied) == sorted(event_ids)
