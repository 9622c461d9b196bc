"""Issue 2's proof: one complaint through intake, the outbox, the broker, and classification's inbox."""

import asyncio
import collections
import contextlib
import itertools
import json
import uuid
from typing import ClassVar

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import REGISTRY, Counter

from shared import kafka as kafka_module
from shared.events import Envelope, topics
from shared.events.intake import ComplaintReceivedV1
from shared.events.registry import register
from shared.kafka import ensure_topics, partition_of
from shared.messaging import runner as runner_module
from shared.messaging.subscriptions import Subscriptions
from shared.observability import count_when_committed
from shared.stack import Stack
from tests.integration.delivery_helpers import (
    CountProbeV1,
    complaint_event,
    in_process_runner,
    incidents_for,
    probe_value,
    runner_settings,
)
from tests.integration.factories import product_complaint
from tests.support import auth, events_in, eventually, produce, produce_one_batch, read_topic, service_db

pytestmark = pytest.mark.integration


async def test_posted_complaint_becomes_a_general_incident_on_classification(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    response = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    assert response.status_code == 201, response.text
    complaint = response.json()
    assert complaint["status"] == "received"
    assert complaint["complaint_no"].startswith("TS-20261124-")
    assert complaint["investigate_by"].startswith("2026-11-25")
    assert complaint["reply_by"].startswith("2026-11-26")

    items = await eventually(lambda: incidents_for(classification, complaint["id"]))

    assert len(items) == 1
    assert items[0]["level"] == "general"
    assert items[0]["source_ids"] == [complaint["id"]]


async def test_correlation_id_of_the_request_travels_in_the_event(stack: Stack, intake: httpx.AsyncClient) -> None:
    correlation = f"corr-{uuid.uuid4()}"
    headers = {**auth("customer_service"), "X-Correlation-ID": correlation}
    response = await intake.post("/v1/complaints", json=product_complaint(), headers=headers)
    assert response.headers["x-correlation-id"] == correlation

    async def published() -> list[dict[str, object]]:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.COMPLAINTS)
        return [e for e in events_in(records) if e.get("correlationid") == correlation]

    events = await eventually(published)
    assert events[0]["type"] == "qms.intake.complaint.received.v1"
    assert events[0]["subject"] == response.json()["id"]


async def test_an_event_the_broker_acknowledged_is_published_once(stack: Stack, intake: httpx.AsyncClient) -> None:
    """The relay's mark commits after the broker's acknowledgement and is never rolled back after it:
    after the relay's later rounds (woken by the complaints posted next), the event is on its topic
    exactly once."""
    headers = auth("customer_service")

    async def post_complaint() -> str:
        response = await intake.post("/v1/complaints", json=product_complaint(), headers=headers)
        return str(response.json()["id"])

    async def published(complaints: list[str]) -> collections.Counter[str] | None:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.COMPLAINTS)
        copies = collections.Counter(str(event.get("subject")) for event in events_in(records))
        return copies if all(copies[complaint] for complaint in complaints) else None

    first = await post_complaint()
    await eventually(lambda: published([first]))
    later = [await post_complaint() for _ in range(3)]
    assert (await eventually(lambda: published(later)))[first] == 1


RELAY_PROBE_TOPIC = "qms.test.relay-batches"


async def test_relay_sends_one_keys_rows_in_order_across_full_record_batches(stack: Stack) -> None:
    """Rows bigger than a third of a record batch: the relay's batch for the key's partition fills
    twice, and the rows still arrive once each, in outbox order, on the key's default partition."""
    settings = stack.kafka_settings()
    await ensure_topics(settings, [RELAY_PROBE_TOPIC])
    key, filler = f"probe-{uuid.uuid4()}", "x" * 300_000
    event_ids = [uuid.uuid4() for _ in range(7)]
    async with service_db(stack, "intake") as conn:
        await conn.execute(
            "INSERT INTO intake.outbox (event_id, topic, key, event_type, payload) "
            "SELECT e, $2, $3, 'qms.test.relay_probe.v1', jsonb_build_object('id', e, 'filler', $4::text) "
            "FROM unnest($1::uuid[]) WITH ORDINALITY AS u(e, n) ORDER BY n",
            event_ids,
            RELAY_PROBE_TOPIC,
            key,
            filler,
        )

    async def arrived() -> list[ConsumerRecord[bytes, bytes]] | None:
        records = await read_topic(stack.kafka_bootstrap_servers or "", RELAY_PROBE_TOPIC)
        mine = [record for record in records if record.key == key.encode()]
        return mine if len(mine) >= len(event_ids) else None

    records = await eventually(arrived)
    partitions = list(range(settings.kafka_partitions))
    assert [uuid.UUID(json.loads(record.value or b"{}")["id"]) for record in records] == event_ids
    assert {record.partition for record in records} == {partition_of(key.encode(), partitions)}


async def test_same_event_delivered_twice_makes_one_incident(stack: Stack, classification: httpx.AsyncClient) -> None:
    twice, marker = str(uuid.uuid4()), str(uuid.uuid4())
    duplicate = complaint_event(twice)
    key = b"same-partition"
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.COMPLAINTS,
        [(key, duplicate), (key, duplicate), (key, complaint_event(marker))],
    )

    await eventually(lambda: incidents_for(classification, marker))

    assert len(await incidents_for(classification, twice)) == 1


@register
class SideBySideProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, so the probe's partitions hold only what it sends."""

    TYPE: ClassVar[str] = "qms.test.side-by-side.v1"
    TOPIC: ClassVar[str] = "qms.test.side-by-side"


async def test_partitions_of_one_fetch_are_applied_side_by_side(stack: Stack) -> None:
    """Each partition's batch has its own transaction, and they run at the same time: a batch held
    open waits for one from another partition to begin beside it. ``max_poll_records`` counts per
    assigned partition: at one record per poll, partition 0's two records do not crowd out partition 1."""
    in_flight, most_in_flight, overlapped = 0, 0, asyncio.Event()
    subscriptions = Subscriptions()

    @subscriptions.on_batch(SideBySideProbeV1)
    async def hold(_session: object, _items: list[tuple[Envelope, SideBySideProbeV1]]) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        if in_flight > 1:
            overlapped.set()
        try:
            await asyncio.wait_for(overlapped.wait(), timeout=3)
        except TimeoutError:
            pass
        finally:
            in_flight -= 1

    settings = runner_settings(stack, kafka_max_poll_records=1)
    await ensure_topics(settings, [SideBySideProbeV1.TOPIC])
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap_servers, enable_idempotence=False)
    await producer.start()
    try:
        for partition in (0, 0, 1):
            await producer.send_and_wait(SideBySideProbeV1.TOPIC, probe_value(SideBySideProbeV1), partition=partition)
    finally:
        await producer.stop()
    async with in_process_runner(settings, subscriptions, "side-by-side") as runner:
        await runner.start()
        await asyncio.wait_for(overlapped.wait(), timeout=20)

    assert most_in_flight >= 2


PROBES_APPLIED = Counter("qms_test_probes_applied_total", "Probe events the count test's handler applied")


async def test_a_batch_applied_again_event_by_event_counts_each_applied_event_once(stack: Stack) -> None:
    """A batch whose handler fails part-way is rolled back and applied again, as a group and then event
    by event: what the handler and the consumer count is counted once per event that stayed applied,
    never for an attempt that was rolled back."""
    subscriptions = Subscriptions()

    @subscriptions.on_batch(CountProbeV1)
    async def apply_probes(_session: object, items: list[tuple[Envelope, CountProbeV1]]) -> None:
        for _, probe in items:
            count_when_committed(PROBES_APPLIED)
            if probe.description == "refused":
                raise ValueError("the probe handler refuses this one")

    settings = runner_settings(stack)
    await ensure_topics(settings, [CountProbeV1.TOPIC, f"{CountProbeV1.TOPIC}.dlq"])
    records = [
        ConsumerRecord(
            CountProbeV1.TOPIC,
            0,
            offset,
            0,
            0,
            None,
            probe_value(CountProbeV1, description=description),
            None,
            0,
            0,
            (),
        )
        for offset, description in enumerate(["applied", "refused"])
    ]
    name = f"count-probe-{uuid.uuid4().hex[:8]}"
    applied_before = PROBES_APPLIED._value.get()
    async with in_process_runner(settings, subscriptions, name) as runner:
        await runner.apply(TopicPartition(CountProbeV1.TOPIC, 0), records)

    assert PROBES_APPLIED._value.get() - applied_before == 1
    consumed = {"service": name, "topic": CountProbeV1.TOPIC}
    assert REGISTRY.get_sample_value("qms_events_consumed_total", consumed) == 1
    dead_lettered = {**consumed, "reason": "handler_failed"}
    assert REGISTRY.get_sample_value("qms_events_dead_lettered_total", dead_lettered) == 1


@register
class PastEndProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic the test deletes and creates again."""

    TYPE: ClassVar[str] = "qms.test.past-end.v1"
    TOPIC: ClassVar[str] = "qms.test.past-end"


@register
class BusyProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic that keeps receiving records while the other one is lost."""

    TYPE: ClassVar[str] = "qms.test.busy.v1"
    TOPIC: ClassVar[str] = "qms.test.busy"


async def test_a_consumer_past_the_end_of_a_partition_whose_log_was_lost_reads_it_from_its_start(
    stack: Stack,
) -> None:
    """The broker lost a partition's log (here: the topic deleted and created again, as a memory broker's
    restart does): the consumer's position is past the new end, so the records written since would
    never be fetched. Within a stall window it reads that partition from its start, even while another
    partition it consumes never stops delivering."""
    applied: list[str] = []
    subscriptions = Subscriptions()

    @subscriptions.on_batch(PastEndProbeV1)
    async def note(_session: object, items: list[tuple[Envelope, PastEndProbeV1]]) -> None:
        applied.extend(probe.description for _, probe in items)

    @subscriptions.on_batch(BusyProbeV1)
    async def ignore(_session: object, _items: list[tuple[Envelope, BusyProbeV1]]) -> None:
        return None

    settings = runner_settings(stack, kafka_partitions=1)

    def message(probe: type[ComplaintReceivedV1], description: str) -> tuple[bytes, bytes]:
        return description.encode(), probe_value(probe, description=description)

    async def applied_all(descriptions: list[str]) -> bool:
        return set(descriptions) <= set(applied)

    async def keep_busy() -> None:
        for n in itertools.count():
            await produce(bootstrap, BusyProbeV1.TOPIC, [message(BusyProbeV1, f"busy-{n}")])
            await asyncio.sleep(0.5)

    bootstrap = stack.kafka_bootstrap_servers or ""
    await ensure_topics(settings, [PastEndProbeV1.TOPIC, BusyProbeV1.TOPIC])
    await produce(bootstrap, PastEndProbeV1.TOPIC, [message(PastEndProbeV1, f"before-{n}") for n in range(5)])
    async with in_process_runner(settings, subscriptions, "past-end") as runner:
        await runner.start()
        await eventually(lambda: applied_all([f"before-{n}" for n in range(5)]))
        busy = asyncio.create_task(keep_busy())
        try:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
            await admin.start()
            try:
                await admin.delete_topics([PastEndProbeV1.TOPIC])
            finally:
                await admin.close()
            await ensure_topics(settings, [PastEndProbeV1.TOPIC])
            await produce(bootstrap, PastEndProbeV1.TOPIC, [message(PastEndProbeV1, "after")])
            await eventually(lambda: applied_all(["after"]), timeout=40)
        finally:
            busy.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await busy


@register
class BatchEndProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic whose last record batch holds several records."""

    TYPE: ClassVar[str] = "qms.test.batch-end.v1"
    TOPIC: ClassVar[str] = "qms.test.batch-end"


async def test_a_consumer_at_the_end_of_a_partition_whose_last_batch_holds_several_records_stays_there(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tansu answers ListOffsets with the first offset of the last record batch plus one: a consumer at
    the true end of a partition whose last batch (as the relay sends them) holds several records is not
    past the end, and is not sent back to the partition's start to read it all again."""
    monkeypatch.setattr(runner_module, "STALL_WINDOW_S", 0.5)
    applied: list[str] = []
    subscriptions = Subscriptions()

    @subscriptions.on_batch(BatchEndProbeV1)
    async def note(_session: object, items: list[tuple[Envelope, BatchEndProbeV1]]) -> None:
        applied.extend(probe.description for _, probe in items)

    settings = runner_settings(stack, kafka_partitions=1)
    await ensure_topics(settings, [BatchEndProbeV1.TOPIC])
    in_batch = [(b"batch-end", probe_value(BatchEndProbeV1, description=f"in-batch-{n}")) for n in range(5)]
    await produce_one_batch(stack.kafka_bootstrap_servers or "", BatchEndProbeV1.TOPIC, in_batch)
    name = f"batch-end-{uuid.uuid4().hex[:8]}"
    async with in_process_runner(settings, subscriptions, name) as runner:
        await runner.start()
        await eventually(lambda: _at_least(applied, 5))
        await asyncio.sleep(5)  # ten stall windows at the end of the partition

    assert sorted(applied) == [f"in-batch-{n}" for n in range(5)]
    duplicates = {"service": name, "topic": BatchEndProbeV1.TOPIC}
    assert not REGISTRY.get_sample_value("qms_events_duplicate_total", duplicates)


async def _at_least(items: list[str], count: int) -> bool:
    return len(items) >= count


async def test_poison_message_is_dead_lettered_and_the_next_one_processed(
    stack: Stack, classification: httpx.AsyncClient
) -> None:
    bootstrap = stack.kafka_bootstrap_servers or ""
    after = str(uuid.uuid4())
    poison = f"not json {uuid.uuid4()}".encode()
    key = b"poison-partition"
    await produce(bootstrap, topics.COMPLAINTS, [(key, poison), (key, complaint_event(after))])

    await eventually(lambda: incidents_for(classification, after))

    async def dead_lettered() -> list[dict[str, str]]:
        records = await read_topic(bootstrap, topics.dlq(topics.COMPLAINTS))
        return [dict((k, v.decode()) for k, v in r.headers) for r in records if r.value == poison]

    headers = (await eventually(dead_lettered))[0]
    assert headers["dlq-original-topic"] == topics.COMPLAINTS
    assert "not a CloudEvents envelope" in headers["dlq-error"]


async def test_event_with_invalid_data_is_dead_lettered(stack: Stack) -> None:
    bootstrap = stack.kafka_bootstrap_servers or ""
    envelope = json.loads(complaint_event(str(uuid.uuid4())))
    del envelope["data"]["complaint_no"]
    bad = json.dumps(envelope).encode()
    await produce(bootstrap, topics.COMPLAINTS, [(b"bad-data", bad)])

    async def dead_lettered() -> list[str]:
        records = await read_topic(bootstrap, topics.dlq(topics.COMPLAINTS))
        return [dict(r.headers)["dlq-error"].decode() for r in records if r.value == bad]

    errors = await eventually(dead_lettered)
    assert "complaint_no" in errors[0]


@pytest.mark.parametrize(
    "reader,foreign_table",
    [
        ("intake", "classification.incidents"),
        ("classification", "intake.complaints"),
        ("sanctions", "intake.outbox"),
        ("crm", "classification.inbox"),
    ],
)
async def test_service_role_cannot_read_another_schema(stack: Stack, reader: str, foreign_table: str) -> None:
    async with service_db(stack, reader) as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch(f"SELECT * FROM {foreign_table} LIMIT 1")


async def test_readiness_reports_database_and_broker(intake: httpx.AsyncClient) -> None:
    response = await intake.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


async def test_metrics_expose_published_events(intake: httpx.AsyncClient) -> None:
    await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))

    async def published() -> bool:
        text = (await intake.get("/metrics")).text
        return 'qms_events_published_total{service="intake",topic="qms.intake.complaints"}' in text

    await eventually(published)
    text = (await intake.get("/metrics")).text
    assert "qms_http_request_duration_seconds_bucket" in text
    assert "qms_outbox_backlog" in text


@register
class IdleProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, quiet but for what the test sends."""

    TYPE: ClassVar[str] = "qms.test.idle.v1"
    TOPIC: ClassVar[str] = "qms.test.idle"


async def test_an_idle_consumer_fetches_with_the_long_wait_and_records_bring_the_short_one_back(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18 idle_cpu_percent: on the embedded broker a consumer that fetched nothing for a while
    polls with the profile's idle wait (fewer empty fetches); the first records bring the short one back."""
    monkeypatch.setattr(kafka_module, "IDLE_AFTER_S", 2.0)
    applied: list[str] = []
    subscriptions = Subscriptions()

    @subscriptions.on_batch(IdleProbeV1)
    async def note(_session: object, items: list[tuple[Envelope, IdleProbeV1]]) -> None:
        applied.extend(probe.description for _, probe in items)

    settings = runner_settings(stack, kafka_partitions=1, kafka_profile="embedded")
    profile = kafka_module.profile_of(settings)
    await ensure_topics(settings, [IdleProbeV1.TOPIC])

    async def waits(expected: int) -> bool:
        return runner.fetch_wait_ms == expected

    async with in_process_runner(settings, subscriptions, f"idle-{uuid.uuid4().hex[:8]}") as runner:
        await runner.start()
        await eventually(lambda: waits(profile.idle_fetch_max_wait_ms))
        await produce(
            stack.kafka_bootstrap_servers or "",
            IdleProbeV1.TOPIC,
            [(b"idle", probe_value(IdleProbeV1, description="wake"))],
        )
        await eventually(lambda: _at_least(applied, 1))
        assert runner.fetch_wait_ms == profile.fetch_max_wait_ms
