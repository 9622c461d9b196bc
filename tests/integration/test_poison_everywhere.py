"""A poison message on every topic a service consumes is dead-lettered with its error by that
service's consumer, and the consumer goes on (SPEC §1, issue 7)."""

import uuid

import pytest
from fastapi import FastAPI

from services.classification.main import app as classification_app
from services.crm.main import app as crm_app
from services.intake.main import app as intake_app
from services.notify.main import app as notify_app
from services.sanctions.main import app as sanctions_app
from shared.events import topics
from shared.stack import Stack
from tests.support import eventually, produce, read_topic

pytestmark = pytest.mark.integration

APPS: dict[str, FastAPI] = {
    "intake": intake_app,
    "classification": classification_app,
    "sanctions": sanctions_app,
    "crm": crm_app,
    "notify": notify_app,
}
CONSUMED = sorted((service, topic) for service, app in APPS.items() for topic in app.state.spec.subscriptions.topics())


def test_every_service_that_should_consume_does() -> None:
    consumers = {service for service, _ in CONSUMED}
    assert consumers == {"intake", "classification", "sanctions", "crm", "notify"}


@pytest.mark.parametrize("service,topic", CONSUMED, ids=[f"{s} {t}" for s, t in CONSUMED])
async def test_poison_on_a_consumed_topic_is_dead_lettered_by_its_consumer(
    stack: Stack, service: str, topic: str
) -> None:
    bootstrap = stack.kafka_bootstrap_servers or ""
    poison = f"poison {uuid.uuid4()}".encode()
    await produce(bootstrap, topic, [(b"poison", poison)])

    async def dead_letter_headers() -> dict[str, str] | None:
        for record in await read_topic(bootstrap, topics.dlq(topic)):
            headers = {name: value.decode() for name, value in record.headers}
            if record.value == poison and headers.get("dlq-consumer") == service:
                return headers
        return None

    headers = await eventually(dead_letter_headers, timeout=60)
    assert headers["dlq-original-topic"] == topic
    assert headers["dlq-error"]
