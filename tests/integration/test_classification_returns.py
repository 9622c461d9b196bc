"""CLS-2 through intake's HTTP API and the real broker: exact aggregates, exactly one incident per key."""

import asyncio
import signal
from datetime import date, timedelta
from functools import partial
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.events.intake import ReturnRecordedV1
from shared.messaging.outbox import envelope_for
from shared.stack import Stack
from tests.integration.factories import return_line
from tests.support import auth, eventually, metric, produce, read_topic, unique

pytestmark = pytest.mark.integration

ERP = auth("erp", sub="ERP-SYSTEM", department="it")
READER = auth("quality_manager")
DAY = date(2026, 11, 1)


def lines(count: int, model: str, shipped: str, day: date = DAY, quantity: int = 1) -> list[dict[str, Any]]:
    return [
        return_line(model=model, shipped_batch_no=shipped, production_date=day.isoformat(), quantity=quantity)
        for _ in range(count)
    ]


async def push(intake: httpx.AsyncClient, batch: list[dict[str, Any]]) -> dict[str, Any]:
    response = await intake.post("/v1/returns/batches", json={"lines": batch}, headers=ERP)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def incidents(classification: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    response = await classification.get("/v1/incidents", params={**params, "limit": "500"}, headers=READER)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def model_date_total(classification: httpx.AsyncClient, model: str, day: date = DAY) -> int:
    response = await classification.get(f"/v1/returns/model-dates/{model}/{day.isoformat()}", headers=READER)
    assert response.status_code == 200, response.text
    return int(response.json()["quantity"])


async def shipped_total(classification: httpx.AsyncClient, shipped: str) -> int:
    response = await classification.get(f"/v1/returns/shipped-batches/{shipped}", headers=READER)
    assert response.status_code == 200, response.text
    return int(response.json()["quantity"])


async def reaches(probe: Any, expected: int) -> None:
    async def done() -> bool:
        return bool(await probe() == expected)

    await eventually(done, timeout=60)


def assert_one_incident_per_day(found: list[dict[str, Any]], days: list[date]) -> None:
    """Each production date has its one batch incident (which may have become the major one when the
    shipped batch crossed 500 while it was the only one); a major opened beside them has no single date."""
    per_day = sorted(i["production_date"] for i in found if i["production_date"] is not None)
    assert per_day == sorted(day.isoformat() for day in days)


def reason(incident: dict[str, Any], fact: str) -> dict[str, Any]:
    return next(r for r in incident["reasons"] if r["fact"] == fact)


async def test_cls2_49_then_1_more_returns_open_one_batch_incident(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    in_force = (await classification.get("/v1/rules", headers=READER)).json()["version"]
    first = lines(49, model, shipped)
    await push(intake, first)
    await reaches(lambda: model_date_total(classification, model), 49)
    assert await incidents(classification, model=model) == []

    last = lines(1, model, shipped)
    await push(intake, last)

    found = await eventually(lambda: incidents(classification, model=model))
    assert len(found) == 1
    incident = found[0]
    assert (incident["level"], incident["status"], incident["rule_version"]) == ("batch", "open", in_force)
    assert reason(incident, "returns_same_model_date") == {
        "rule": "CLS-1",
        "fact": "returns_same_model_date",
        "observed": 50,
        "threshold": 50,
    }
    assert sorted(incident["source_ids"]) == sorted(line["line_id"] for line in first + last)
    assert incident["responsible_department"]


async def test_cls2_one_push_carrying_many_models_over_50_opens_one_batch_incident_each(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    models, shipped = [unique("M") for _ in range(8)], unique("S")
    await push(intake, [line for model in models for line in lines(55, model, shipped)])

    for model in models:
        found = await eventually(partial(incidents, classification, model=model))
        assert [i["level"] for i in found] == ["batch"]
        assert reason(found[0], "returns_same_model_date")["observed"] == 55
        assert len(found[0]["source_ids"]) == 55


async def test_cls2_the_same_lines_again_change_nothing(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    batch = lines(60, model, shipped)
    await push(intake, batch)
    incident = (await eventually(lambda: incidents(classification, model=model)))[0]

    again = await push(intake, batch)
    assert again["duplicates"] == 60
    # The same lines published once more under new event ids (a producer retry), then one marker line
    # behind them on the same key, so that once the marker counts, the repeats were seen.
    repeats = [ReturnRecordedV1.model_validate(line) for line in batch[:10]]
    marker = ReturnRecordedV1.model_validate(lines(1, model, shipped)[0])
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.RETURNS,
        [(line.key().encode(), envelope_for(line).model_dump_json().encode()) for line in [*repeats, marker]],
    )
    await reaches(lambda: model_date_total(classification, model), 61)

    found = await incidents(classification, model=model)
    assert [i["id"] for i in found] == [incident["id"]]
    assert reason(found[0], "returns_same_model_date")["observed"] == 61
    assert len(found[0]["source_ids"]) == 61


async def test_cls2_a_line_without_positive_quantity_is_dead_lettered_and_the_others_count(
    stack: Stack, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    good = [ReturnRecordedV1.model_validate(line) for line in lines(3, model, shipped, quantity=4)]
    bad = ReturnRecordedV1.model_validate(lines(1, model, shipped)[0]).model_copy(update={"quantity": -40})
    envelopes = [envelope_for(line) for line in [good[0], bad, *good[1:]]]
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.RETURNS,
        [(good[0].key().encode(), envelope.model_dump_json().encode()) for envelope in envelopes],
    )

    await reaches(lambda: model_date_total(classification, model), 12)

    async def dead_lettered() -> list[str]:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.dlq(topics.RETURNS))
        return [
            dict(r.headers)["dlq-error"].decode() for r in records if str(envelopes[1].id).encode() in (r.value or b"")
        ]

    assert bad.line_id in (await eventually(dead_lettered))[0]


async def test_cls1_500_from_one_shipped_batch_over_many_dates_is_one_major(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    batch = [line for n in range(25) for line in lines(2, model, shipped, DAY - timedelta(days=n), quantity=10)]
    await push(intake, batch[:25])
    await push(intake, batch[25:])

    majors = await eventually(lambda: incidents(classification, shipped_batch_no=shipped, level="major"))
    assert len(majors) == 1
    assert majors[0]["shipped_batch_no"] == shipped
    assert reason(majors[0], "returns_shipped_batch")["observed"] == 500
    assert await incidents(classification, model=model, level="batch") == []

    await push(intake, lines(1, model, shipped, DAY - timedelta(days=30), quantity=7))
    await reaches(lambda: shipped_total(classification, shipped), 507)
    majors = await incidents(classification, shipped_batch_no=shipped, level="major")
    assert len(majors) == 1
    assert reason(majors[0], "returns_shipped_batch")["observed"] == 507
    assert len(majors[0]["source_ids"]) == 51


async def test_cls2_crossing_500_upgrades_the_batch_incident_of_that_shipped_batch(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    await push(intake, lines(6, model, shipped, quantity=10))
    batch_incident = (await eventually(lambda: incidents(classification, model=model)))[0]
    assert batch_incident["level"] == "batch"

    await push(intake, lines(45, model, shipped, quantity=10))

    async def upgraded() -> list[dict[str, Any]]:
        return [i for i in await incidents(classification, model=model) if i["level"] == "major"]

    found = await eventually(upgraded)
    assert [i["id"] for i in await incidents(classification, model=model)] == [batch_incident["id"]]
    assert found[0]["shipped_batch_no"] == shipped
    assert {r["fact"]: r["observed"] for r in found[0]["reasons"]} == {
        "returns_same_model_date": 510,
        "returns_shipped_batch": 510,
    }
    history = await classification.get(f"/v1/incidents/{batch_incident['id']}/history", headers=READER)
    assert [h["action"] for h in history.json()["items"]] == ["opened", "escalated"]


async def test_cls2_many_concurrent_pushes_count_exactly(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    days = [DAY - timedelta(days=n) for n in range(8)]
    batches = [lines(40, model, shipped, day, quantity=2) for day in days for _ in range(2)]
    # Every batch twice, all at once: the repeats are duplicates and count nowhere.
    await asyncio.gather(*(push(intake, batch) for batch in batches + batches))

    await reaches(lambda: shipped_total(classification, shipped), 16 * 40 * 2)
    for day in days:
        assert await model_date_total(classification, model, day) == 160
    assert_one_incident_per_day(await incidents(classification, model=model), days)
    majors = await incidents(classification, shipped_batch_no=shipped, level="major")
    assert len(majors) == 1
    assert reason(majors[0], "returns_shipped_batch")["observed"] == 1280


async def returns_consumed_by(url: str) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        return await metric(client, f'qms_events_consumed_total{{service="classification",topic="{topics.RETURNS}"}}')


async def test_cls2_two_instances_sharing_a_shipped_batch_count_exactly(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    replica = await asyncio.to_thread(stack.start_replica, "classification", "scale-out")
    try:
        # Lines of many dates spread over every partition until the second instance has taken its share.
        warm_up = 0

        async def replica_works() -> bool:
            nonlocal warm_up
            await push(
                intake, [lines(1, model, shipped, DAY - timedelta(days=100 + warm_up * 10 + n))[0] for n in range(10)]
            )
            warm_up += 1
            return await returns_consumed_by(replica.url) > 0

        await eventually(replica_works, timeout=90, interval=0.5)
        days = [DAY - timedelta(days=n) for n in range(6)]
        batches = [lines(100, model, shipped, day) for day in days for _ in range(2)]
        await asyncio.gather(*(push(intake, batch) for batch in batches))

        await reaches(lambda: shipped_total(classification, shipped), 1200 + warm_up * 10)
        for day in days:
            assert await model_date_total(classification, model, day) == 200
        majors = await incidents(classification, shipped_batch_no=shipped, level="major")
        assert len(majors) == 1
        assert reason(majors[0], "returns_shipped_batch")["observed"] == 1200 + warm_up * 10
        batch_days = [
            i["production_date"] for i in await incidents(classification, model=model) if i["production_date"]
        ]
        assert sorted(batch_days) == sorted(day.isoformat() for day in days)
    finally:
        await asyncio.to_thread(replica.stop)
        stack.services.pop("classification-scale-out", None)


async def test_cls2_consumer_killed_mid_stream_counts_exactly(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model, shipped = unique("M"), unique("S")
    days = [DAY - timedelta(days=n) for n in range(4)]
    batches = [lines(500, model, shipped, day) for day in days for _ in range(3)]

    async def stream() -> None:
        for batch in batches:
            await push(intake, batch)

    pushing = asyncio.create_task(stream())

    async def started() -> bool:
        return await shipped_total(classification, shipped) > 0

    await eventually(started, timeout=60)
    await asyncio.to_thread(stack.restart_service, "classification", signal.SIGKILL)
    await pushing

    await reaches(lambda: shipped_total(classification, shipped), 6000)
    for day in days:
        assert await model_date_total(classification, model, day) == 1500
    assert_one_incident_per_day(await incidents(classification, model=model), days)
    majors = await incidents(classification, shipped_batch_no=shipped, level="major")
    assert len(majors) == 1
    assert reason(majors[0], "returns_shipped_batch")["observed"] == 6000
