"""SPEC §9 Delivery, the consumer's side: a dead letter replayed after the fix is applied, transient
database errors are retried and never dead-lettered, unknown types and versions are dead-lettered with
their reason, ignored events are counted, and a rolled-back batch produces no dead letter twice."""

import json
import uuid
from typing import ClassVar

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Envelope, topics
from shared.events.classification import IncidentClosedV1
from shared.events.intake import ComplaintReceivedV1
from shared.events.registry import register
from shared.kafka import ensure_topics
from shared.messaging.outbox import envelope_for
from shared.messaging.subscriptions import Subscriptions
from shared.replay import replay_dead_letters
from shared.stack import Stack
from tests.integration.delivery_helpers import (
    admin_db,
    batch_incidents,
    complaint_event,
    in_process_runner,
    probe_value,
    return_lines_refused_for,
    runner_settings,
)
from tests.integration.factories import return_line
from tests.integration.sanctions_helpers import classified, message
from tests.support import auth, eventually, metric, produce, read_topic, service_db

pytestmark = pytest.mark.integration


async def dead_letters_of(bootstrap: str, topic: str, needle: str, consumer: str) -> list[dict[str, str]]:
    """The headers of the letters on ``topic``'s DLQ whose value holds ``needle``, by ``consumer``."""
    letters = []
    for record in await read_topic(bootstrap, topics.dlq(topic)):
        headers = {name: value.decode() for name, value in record.headers}
        if needle.encode() in (record.value or b"") and headers.get("dlq-consumer") == consumer:
            letters.append(headers)
    return letters


async def test_a_dead_lettered_return_line_replayed_after_the_fix_is_counted_in_cls2(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    """SPEC §9: the inbox remembers that the event failed, not that it was applied, so the replayed
    dead letter is applied: the 60 units count and open the (model, date) batch incident (CLS-2)."""
    bootstrap = stack.kafka_bootstrap_servers or ""
    model = f"DL-{uuid.uuid4().hex[:8]}"
    async with return_lines_refused_for(stack, model):
        pushed = await intake.post(
            "/v1/returns/batches", json={"lines": [return_line(model=model, quantity=60)]}, headers=auth("erp")
        )
        assert pushed.status_code == 200, pushed.text
        letters = await eventually(lambda: dead_letters_of(bootstrap, topics.RETURNS, model, "classification"), 60)
    assert letters[0]["dlq-reason"] == "handler_failed"
    assert not await batch_incidents(classification, model)

    await replay_dead_letters(stack.kafka_settings(), topics.RETURNS)

    incidents = await eventually(lambda: batch_incidents(classification, model), timeout=60)
    assert incidents[0]["reasons"][0]["observed"] == 60  # type: ignore[index]


@register
class TransientProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, for the transient-error tests' handlers."""

    TYPE: ClassVar[str] = "qms.test.transient-probe.v1"
    TOPIC: ClassVar[str] = "qms.test.transient-probe"


async def test_a_lock_timeout_is_retried_in_a_fresh_transaction_never_dead_lettered(stack: Stack) -> None:
    """Postgres answers the handler with lock_not_available (lock_timeout) more times than
    consumer_max_retries allows a handler's own errors: the event is applied once the lock is free,
    and nothing is dead-lettered."""
    lock_key = uuid.uuid4().int % 2**62
    failures = 0
    applied: list[str] = []
    subscriptions = Subscriptions()
    settings = runner_settings(stack, consumer_max_retries=3, kafka_partitions=1)

    @subscriptions.on(TransientProbeV1)
    async def wait_for_the_lock(session: AsyncSession, _envelope: Envelope, probe: TransientProbeV1) -> None:
        nonlocal failures
        await session.execute(text("SET LOCAL lock_timeout = '50ms'"))
        try:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
        except Exception:
            failures += 1
            if failures == 2 * settings.consumer_max_retries:
                await holder.execute("SELECT pg_advisory_unlock($1)", lock_key)
            raise
        applied.append(probe.description)

    await ensure_topics(settings, [TransientProbeV1.TOPIC, topics.dlq(TransientProbeV1.TOPIC)])
    description = f"locked-{uuid.uuid4()}"
    await produce(
        stack.kafka_bootstrap_servers or "",
        TransientProbeV1.TOPIC,
        [(b"k", probe_value(TransientProbeV1, description=description))],
    )
    name = f"transient-{uuid.uuid4().hex[:8]}"
    async with service_db(stack, "classification") as holder:
        await holder.execute("SELECT pg_advisory_lock($1)", lock_key)
        async with in_process_runner(settings, subscriptions, name) as runner:
            await runner.start()
            await eventually(lambda: _contains(applied, description), timeout=60)

    assert failures >= 2 * settings.consumer_max_retries
    labels = {"service": name, "topic": TransientProbeV1.TOPIC, "reason": "handler_failed"}
    assert not REGISTRY.get_sample_value("qms_events_dead_lettered_total", labels)


async def _contains(items: list[str], item: str) -> bool:
    return item in items


@register
class RollbackProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, for the rolled-back batch test."""

    TYPE: ClassVar[str] = "qms.test.rollback-probe.v1"
    TOPIC: ClassVar[str] = "qms.test.rollback-probe"


async def test_a_rolled_back_batch_produces_its_dead_letter_once(stack: Stack) -> None:
    """One batch: a poison event, then one whose database connection is killed (pg_terminate_backend)
    after the poison was decided a dead letter. The batch's transaction is lost and the batch applied
    again: the poison is dead-lettered once, the other event is applied and not dead-lettered."""
    applied, killed = [], False
    subscriptions = Subscriptions()
    run = uuid.uuid4().hex[:8]

    @subscriptions.on(RollbackProbeV1)
    async def apply_probe(session: AsyncSession, _envelope: Envelope, probe: RollbackProbeV1) -> None:
        nonlocal killed
        if probe.description == f"poison-{run}":
            raise ValueError("the probe handler refuses this one")
        if not killed:
            killed = True
            pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            async with admin_db(stack) as admin:
                await admin.execute("SELECT pg_terminate_backend($1)", pid)
        await session.execute(text("SELECT 1"))
        applied.append(probe.description)

    settings = runner_settings(stack, kafka_partitions=1)
    await ensure_topics(settings, [RollbackProbeV1.TOPIC, topics.dlq(RollbackProbeV1.TOPIC)])
    bootstrap = stack.kafka_bootstrap_servers or ""
    await produce(
        bootstrap,
        RollbackProbeV1.TOPIC,
        [
            (b"k", probe_value(RollbackProbeV1, description=description))
            for description in (f"poison-{run}", f"fine-{run}")
        ],
    )
    name = f"rollback-{run}"
    async with in_process_runner(settings, subscriptions, name) as runner:
        await runner.start()
        await eventually(lambda: _contains(applied, f"fine-{run}"), timeout=60)
        await eventually(lambda: dead_letters_of(bootstrap, RollbackProbeV1.TOPIC, f"poison-{run}", name))

    assert killed
    assert len(await dead_letters_of(bootstrap, RollbackProbeV1.TOPIC, f"poison-{run}", name)) == 1
    assert not await dead_letters_of(bootstrap, RollbackProbeV1.TOPIC, f"fine-{run}", name)


def retyped(event: bytes, event_type: str) -> bytes:
    envelope = json.loads(event)
    envelope["type"] = event_type
    return json.dumps(envelope).encode()


def dead_lettered(service: str, topic: str, reason: str) -> str:
    return f'qms_events_dead_lettered_total{{reason="{reason}",service="{service}",topic="{topic}"}}'


@pytest.mark.parametrize(
    "event_type,reason",
    [("qms.intake.complaint.received.v9", "unknown_version"), ("qms.elsewhere.thing.happened.v1", "unknown_type")],
)
async def test_an_event_of_unknown_type_or_version_is_dead_lettered_with_its_reason_and_counted(
    stack: Stack, classification: httpx.AsyncClient, event_type: str, reason: str
) -> None:
    bootstrap = stack.kafka_bootstrap_servers or ""
    complaint_id = str(uuid.uuid4())
    series = dead_lettered("classification", topics.COMPLAINTS, reason)
    before = await metric(classification, series)

    await produce(bootstrap, topics.COMPLAINTS, [(b"unknown", retyped(complaint_event(complaint_id), event_type))])

    letters = await eventually(
        lambda: dead_letters_of(bootstrap, topics.COMPLAINTS, complaint_id, "classification"), 60
    )
    assert letters[0]["dlq-reason"] == reason
    assert event_type in letters[0]["dlq-error"]

    async def counted() -> float:
        return await metric(classification, series) - before

    assert await eventually(counted) == 1


async def consumer_counts(sanctions: httpx.AsyncClient) -> dict[str, float]:
    labels = f'service="sanctions",topic="{topics.INCIDENTS}"'
    counts = {
        name: await metric(sanctions, f"qms_events_{name}_total{{{labels}}}")
        for name in ("consumed", "ignored", "duplicate")
    }
    reasons = ("undecodable", "unknown_type", "unknown_version", "handler_failed")
    counts["dead_lettered"] = sum(
        [await metric(sanctions, dead_lettered("sanctions", topics.INCIDENTS, r)) for r in reasons]
    )
    return counts


async def test_every_record_sanctions_reads_is_consumed_ignored_duplicate_or_dead_lettered(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    """Sanctions does not subscribe to incident.closed: it is counted as ignored, so what the consumer
    counts on a topic adds up to the records on it."""
    bootstrap = stack.kafka_bootstrap_servers or ""
    incident_id = str(uuid.uuid4())
    classified_twice = message(incident_id, classified(incident_id, head=f"E-{uuid.uuid4().hex[:6]}", level="general"))
    closed = IncidentClosedV1.model_validate(
        {
            "incident_id": incident_id,
            "level": "general",
            "status": "closed",
            "rule_version": 1,
            "closed_by": "E-05",
            "closed_at": "2026-11-30T10:00:00+08:00",
        }
    )
    unknown = (
        incident_id.encode(),
        retyped(envelope_for(closed).model_dump_json().encode(), "qms.classification.incident.closed.v7"),
    )
    records = [classified_twice, classified_twice, message(incident_id, closed), unknown]
    before = await consumer_counts(sanctions)

    await produce(bootstrap, topics.INCIDENTS, records)

    async def all_counted() -> dict[str, float] | None:
        after = await consumer_counts(sanctions)
        delta = {name: after[name] - before[name] for name in after}
        return delta if sum(delta.values()) >= len(records) else None

    delta = await eventually(all_counted, timeout=60)
    assert delta == {"consumed": 1, "ignored": 1, "duplicate": 1, "dead_lettered": 1}
