"""The broker stopped while a complaint is posted: it is accepted, and arrives once the broker is back;
the broker's data lost entirely: the outbox replay re-publishes, and the inboxes make it harmless.

Named to run last: the memory broker loses its topics on restart, which every consumer then rejoins.
"""

from datetime import UTC, datetime

import httpx
import pytest

from shared.kafka import ensure_topics
from shared.replay import replay_outbox
from shared.stack import Stack
from tests.integration.factories import product_complaint
from tests.integration.test_platform import incidents_for
from tests.support import auth, eventually, metric

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

    items = await eventually(lambda: incidents_for(classification, response.json()["id"]), timeout=90)
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
