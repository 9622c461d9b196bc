"""One working-day calendar for the whole system: intake loads a year, crm keeps its copy from the event."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.migrations import upgrade
from shared.stack import Stack
from tests.support import auth, events_in, eventually, read_topic, scratch_database, service_connection

pytestmark = pytest.mark.integration

QUALITY = auth("quality_manager", sub="QM-1")
FINANCE = auth("finance", sub="FI-1", department="finance")


async def test_calendar_a_year_loaded_in_intake_is_the_year_crm_counts_on(
    stack: Stack, intake: httpx.AsyncClient, crm: httpx.AsyncClient
) -> None:
    year = {"holidays": ["2037-01-01", "2037-01-02"], "makeup_workdays": ["2037-01-04"]}
    loaded = await intake.put("/v1/calendar/2037", json=year, headers=QUALITY)
    assert loaded.status_code == 200, loaded.text

    async def crm_copy() -> dict[str, Any] | None:
        body: dict[str, Any] = (await crm.get("/v1/calendar/2037", headers=FINANCE)).json()
        return body if body["source"] == "loaded" else None

    copy = await eventually(crm_copy)
    assert (copy["holidays"], copy["makeup_workdays"]) == (year["holidays"], year["makeup_workdays"])
    records = await read_topic(stack.kafka_bootstrap_servers or "", topics.CALENDAR)
    published = [(r.key, e) for r in records for e in events_in([r]) if e.get("subject") == "2037"]
    assert published[-1][0] == b"2037"
    assert published[-1][1]["type"] == "qms.intake.calendar.year_loaded.v1"


async def test_calendar_crm_keeps_a_copy_and_loads_no_year_itself(crm: httpx.AsyncClient) -> None:
    year = {"holidays": ["2038-01-01"], "makeup_workdays": []}

    refused = await crm.put("/v1/calendar/2038", json=year, headers=auth("admin_dept"))

    assert refused.status_code == 405
    assert (await crm.get("/v1/calendar/2038", headers=FINANCE)).json()["source"] == "estimated"


@pytest.mark.parametrize("service", ["intake", "crm"])
async def test_calendar_a_library_year_shows_the_holidays_and_make_up_days_it_counts(
    request: pytest.FixtureRequest, service: str
) -> None:
    client: httpx.AsyncClient = request.getfixturevalue(service)

    body = (await client.get("/v1/calendar/2026", headers=QUALITY)).json()

    assert body["source"] == "library"
    assert {"2026-10-01", "2026-10-07"} <= set(body["holidays"])
    assert "2026-10-10" in body["makeup_workdays"]


@pytest.fixture
async def scratch_url(stack: Stack) -> AsyncIterator[str]:
    async with scratch_database(stack, "intake") as url:
        yield url


async def test_calendar_years_loaded_before_the_calendar_was_published_are_published_by_the_upgrade(
    stack: Stack, scratch_url: str
) -> None:
    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password, "20261125_0003")
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        await conn.execute(
            "INSERT INTO intake.calendar_years (year, holidays, makeup_workdays, loaded_by) "
            "VALUES (2039, ARRAY[DATE '2039-01-03'], ARRAY[]::date[], 'QM-1')"
        )

    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password)

    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        rows = await conn.fetch(
            "SELECT o.key, o.topic, o.payload FROM intake.outbox o JOIN intake.outbox_unpublished u USING (id)"
        )
    assert [(row["key"], row["topic"]) for row in rows] == [("2039", topics.CALENDAR)]
    assert json.loads(rows[0]["payload"])["data"]["holidays"] == ["2039-01-03"]
