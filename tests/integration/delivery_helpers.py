"""Helpers of the delivery suites: in-process consumer runners and relays on the suite's stack, probe
events, and what the services applied."""

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import asyncpg
import httpx
from sqlalchemy import text

from shared.bootstrap import asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, create_engine, make_sessionmaker
from shared.events import topics
from shared.events.intake import ComplaintProduct, ComplaintReceivedV1
from shared.events.registry import register
from shared.messaging.outbox import envelope_for
from shared.messaging.relay import OutboxRelay
from shared.messaging.runner import ConsumerRunner
from shared.messaging.subscriptions import Subscriptions
from shared.migrations import outbox_inserted_trigger
from shared.settings import ServiceSettings
from shared.stack import Stack
from shared.tables import platform_tables
from tests.support import auth, service_db


async def incidents_for(classification: httpx.AsyncClient, source_id: str) -> list[dict[str, object]]:
    response = await classification.get(
        "/v1/incidents", params={"source_id": source_id}, headers=auth("quality_manager")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


def complaint_event(complaint_id: str) -> bytes:
    data = ComplaintReceivedV1(
        complaint_id=complaint_id,
        complaint_no="TS-20261124-9999",
        kind="product_quality",
        severity="general",
        channel="phone",
        status="received",
        product=ComplaintProduct(model="VX-200"),
        description="redelivery probe",
        recorded_by="E-01",
        received_at=datetime.now(UTC),
        investigate_by=datetime.now(UTC),
        reply_by=datetime.now(UTC),
    )
    return envelope_for(data).model_dump_json().encode()


def runner_settings(stack: Stack, **overrides: Any) -> ServiceSettings:
    """Classification's settings on the suite's stack, for a consumer runner a test runs in-process."""
    return ServiceSettings(
        QMS_DATABASE_URL=stack.database_url,
        QMS_KAFKA_BOOTSTRAP_SERVERS=stack.kafka_bootstrap_servers,
        service="classification",
        db_password=stack.db_password,
        **overrides,
    )


@contextlib.asynccontextmanager
async def in_process_runner(
    settings: ServiceSettings, subscriptions: Subscriptions, name: str
) -> AsyncIterator[ConsumerRunner]:
    """A consumer runner with the test's own subscriptions on classification's database, not started
    yet; stopped, and its engine disposed, on the way out."""
    engine = create_engine(settings)
    runner = ConsumerRunner(settings, make_sessionmaker(engine, "classification"), subscriptions, name=name)
    try:
        yield runner
    finally:
        await runner.stop()
        await engine.dispose()


def probe_value(probe: type[ComplaintReceivedV1], **fields: object) -> bytes:
    """A probe event on the wire: a fresh complaint's fields, ``fields`` over them."""
    complaint = json.loads(complaint_event(str(uuid.uuid4())))["data"]
    return envelope_for(probe(**{**complaint, **fields})).model_dump_json().encode()


@register
class CountProbeV1(ComplaintReceivedV1):
    """A complaint's fields on a topic of its own, applied by the count test's handler only."""

    TYPE: ClassVar[str] = "qms.test.count-probe.v1"
    TOPIC: ClassVar[str] = "qms.test.count-probe"


@contextlib.asynccontextmanager
async def admin_db(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    try:
        yield conn
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def return_lines_refused_for(stack: Stack, model: str) -> AsyncIterator[None]:
    """Classification's return-lines table refuses lines of ``model`` (a defect in the running
    service, for one model only) until the block ends: the fix."""
    name = f"refuse_{uuid.uuid4().hex[:12]}"
    async with admin_db(stack) as conn:
        await conn.execute(
            f"CREATE FUNCTION classification.{name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.model = '{model}' THEN RAISE EXCEPTION 'return lines of {model} refused'; END IF; "
            "RETURN NEW; END $$"
        )
        await conn.execute(
            f"CREATE TRIGGER {name} BEFORE INSERT ON classification.return_lines "
            f"FOR EACH ROW EXECUTE FUNCTION classification.{name}()"
        )
    try:
        yield
    finally:
        async with admin_db(stack) as conn:
            await conn.execute(f"DROP TRIGGER {name} ON classification.return_lines")
            await conn.execute(f"DROP FUNCTION classification.{name}()")


async def batch_incidents(classification: httpx.AsyncClient, model: str) -> list[dict[str, object]]:
    response = await classification.get(
        "/v1/incidents",
        params={"model": model, "production_date": "2026-11-01", "level": "batch"},
        headers=auth("quality_manager"),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, object]] = response.json()["items"]
    return items


PROBE_SERVICE = "relayprobe"


async def prepare_probe_service(stack: Stack) -> None:
    """Role, schema, platform tables and the outbox's insert trigger of the probe service."""
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    try:
        await ensure_service_schema(conn, PROBE_SERVICE, stack.db_password)
    finally:
        await conn.close()
    engine = create_engine(probe_settings(stack))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(platform_tables(PROBE_SERVICE).metadata.create_all)
            for statement in outbox_inserted_trigger(PROBE_SERVICE):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def probe_settings(stack: Stack, **overrides: Any) -> ServiceSettings:
    return ServiceSettings(
        QMS_DATABASE_URL=stack.database_url,
        QMS_KAFKA_BOOTSTRAP_SERVERS=stack.kafka_bootstrap_servers,
        service=PROBE_SERVICE,
        db_password=stack.db_password,
        **overrides,
    )


@contextlib.asynccontextmanager
async def running_relays(settings: ServiceSettings, count: int) -> AsyncIterator[list[OutboxRelay]]:
    """``count`` relays of the probe service, as ``count`` replicas run them; stopped on the way out."""
    engine = create_engine(settings)
    relays = [OutboxRelay(settings, make_sessionmaker(engine, PROBE_SERVICE)) for _ in range(count)]
    try:
        for relay in relays:
            await relay.start()
        yield relays
    finally:
        for relay in relays:
            await relay.stop()
        await engine.dispose()


async def waiting_rows(stack: Stack) -> int:
    async with service_db(stack, PROBE_SERVICE) as conn:
        return int(await conn.fetchval(f"SELECT count(*) FROM {PROBE_SERVICE}.outbox_unpublished"))


async def drained(stack: Stack) -> bool:
    return await waiting_rows(stack) == 0


OPS = auth("ops", sub="ops", department="it")
DEAD_LETTERS_URL = "/v1/ops/dead-letters"


async def every_letter(client: httpx.AsyncClient, topic: str, limit: int = 200) -> list[dict[str, Any]]:
    """Every page of the service's dead letters of ``topic``, followed by cursor."""
    letters: list[dict[str, Any]] = []
    params: dict[str, Any] = {"topic": topic, "limit": limit}
    while True:
        response = await client.get(DEAD_LETTERS_URL, params=params, headers=OPS)
        assert response.status_code == 200, response.text
        page = response.json()
        letters.extend(page["items"])
        if page["next_cursor"] is None:
            return letters
        params["cursor"] = page["next_cursor"]


async def letters_refusing(client: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    return [letter for letter in await every_letter(client, topics.RETURNS) if model in (letter["error"] or "")]
