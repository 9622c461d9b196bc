"""Retention (SPEC §9 Delivery): inbox rows, published outbox rows and idempotency keys older than the
retention are pruned in bounded batches; an outbox row not yet published never is."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from sqlalchemy import make_url

from shared import retention as retention_module
from shared.bootstrap import asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, create_engine, make_sessionmaker
from shared.migrations import upgrade
from shared.retention import prune_once
from shared.settings import ServiceSettings
from shared.stack import Stack
from tests.support import eventually, service_connection

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 2, 10, tzinfo=UTC)
RETENTION = timedelta(days=30)
OLD, RECENT = NOW - timedelta(days=31), NOW - timedelta(days=29)


@pytest.fixture
async def scratch_url(stack: Stack) -> AsyncIterator[str]:
    """A database of its own with classification's schema at head: no relay publishes what a test
    writes into its outbox."""
    name = f"qms_retention_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    await admin.execute(f"CREATE DATABASE {name}")
    url = make_url(stack.database_url or "").set(database=name).render_as_string(hide_password=False)
    try:
        scratch = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
        try:
            await ensure_service_schema(scratch, "classification", stack.db_password)
        finally:
            await scratch.close()
        await asyncio.to_thread(upgrade, "classification", url, stack.db_password)
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def insert_outbox(conn: asyncpg.Connection, created_at: datetime, published: bool) -> int:
    row_id: int = await conn.fetchval(
        "INSERT INTO classification.outbox (event_id, topic, key, event_type, payload, created_at) "
        "VALUES (gen_random_uuid(), 'qms.classification.incidents', 'k', 't', '{}', $1) RETURNING id",
        created_at,
    )
    if published:
        await conn.execute("DELETE FROM classification.outbox_unpublished WHERE id = $1", row_id)
    return row_id


async def pruned(stack: Stack, url: str) -> dict[str, int]:
    settings = ServiceSettings(QMS_DATABASE_URL=url, service="classification", db_password=stack.db_password)
    engine = create_engine(settings)
    try:
        return await prune_once(make_sessionmaker(engine, "classification"), "classification", RETENTION, now=NOW)
    finally:
        await engine.dispose()


async def test_spec9_outbox_rows_older_than_retention_are_pruned_once_published_never_before(
    stack: Stack, scratch_url: str
) -> None:
    async with service_connection(scratch_url, "classification", stack.db_password) as conn:
        old_published = await insert_outbox(conn, OLD, published=True)
        old_unpublished = await insert_outbox(conn, OLD, published=False)
        recent_published = await insert_outbox(conn, RECENT, published=True)

        counts = await pruned(stack, scratch_url)

        kept = {row["id"] for row in await conn.fetch("SELECT id FROM classification.outbox")}
    assert counts["outbox"] == 1
    assert old_published not in kept
    assert {old_unpublished, recent_published} <= kept


async def test_spec9_inbox_rows_older_than_retention_are_pruned_in_bounded_batches(
    stack: Stack, scratch_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention_module, "PRUNE_BATCH", 2)
    async with service_connection(scratch_url, "classification", stack.db_password) as conn:
        await conn.execute(
            "INSERT INTO classification.inbox (consumer, event_id, event_type, processed_at) "
            "SELECT 'classification', gen_random_uuid(), 't', p FROM unnest($1::timestamptz[]) AS u(p)",
            [OLD] * 5 + [RECENT],
        )

        counts = await pruned(stack, scratch_url)

        left = await conn.fetch("SELECT processed_at FROM classification.inbox")
    assert counts["inbox"] == 5
    assert [row["processed_at"] for row in left] == [RECENT]


async def test_spec9_idempotency_keys_older_than_retention_are_pruned(stack: Stack, scratch_url: str) -> None:
    async with service_connection(scratch_url, "classification", stack.db_password) as conn:
        await conn.execute(
            "INSERT INTO classification.idempotency_keys (scope, key, request_hash, created_at) "
            "VALUES ('s', 'old', 'h', $1), ('s', 'recent', 'h', $2)",
            OLD,
            RECENT,
        )

        counts = await pruned(stack, scratch_url)

        left = [row["key"] for row in await conn.fetch("SELECT key FROM classification.idempotency_keys")]
    assert counts["idempotency_keys"] == 1
    assert left == ["recent"]


@pytest.mark.parametrize("service", ["intake", "classification", "sanctions", "crm", "notify"])
async def test_spec9_every_service_runs_its_retention_job(stack: Stack, service: str) -> None:
    """The job starts with the service: its first prune, a minute after start, shows on /metrics."""
    series = f'qms_retention_pruned_total{{service="{service}",table="inbox"}}'

    async def pruned_once() -> bool:
        async with httpx.AsyncClient(base_url=stack.services[service].url, timeout=10) as client:
            return series in (await client.get("/metrics")).text

    assert await eventually(pruned_once, timeout=150, interval=1)
