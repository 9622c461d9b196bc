"""The broker stopped while a complaint is posted: it is accepted, and arrives once the broker is back.

Named to run last: the memory broker loses its topics on restart, which every consumer then rejoins.
"""

import httpx
import pytest

from shared.kafka import ensure_topics
from shared.stack import Stack
from tests.integration.factories import product_complaint
from tests.integration.test_platform import incidents_for
from tests.support import auth, eventually

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
    finally:
        stack.broker.start()
        await ensure_topics(stack.kafka_settings())

    items = await eventually(lambda: incidents_for(classification, response.json()["id"]), timeout=90)
    assert len(items) == 1
