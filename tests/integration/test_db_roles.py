"""SPEC §9 Deployment secrets, the production rights model: migrations act as the schema's owner role;
the service's login role reads and writes rows but cannot change the schema."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import make_url

from shared.bootstrap import asyncpg_kwargs, ensure_owned_service_schema, ensure_service_schema
from shared.db import admin_url
from shared.migrations import upgrade
from shared.stack import Stack
from tests.support import service_connection

pytestmark = pytest.mark.integration

OUTBOX_ROW = (
    "INSERT INTO intake.outbox (event_id, topic, key, event_type, payload) "
    "VALUES (gen_random_uuid(), 'qms.intake.complaints', 'k', 't', '{}') RETURNING id"
)


@pytest.fixture
async def scratch_url(stack: Stack) -> AsyncIterator[str]:
    name = f"qms_roles_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    await admin.execute(f"CREATE DATABASE {name}")
    try:
        yield make_url(stack.database_url or "").set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def as_admin(url: str, service: str, password: str, separate_owner: bool) -> None:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
    try:
        await (ensure_owned_service_schema if separate_owner else ensure_service_schema)(conn, service, password)
    finally:
        await conn.close()


async def owners(url: str) -> set[str]:
    conn = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
    try:
        rows = await conn.fetch(
            "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'intake' "
            "UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'intake'"
        )
        return {row["owner"] for row in rows}
    finally:
        await conn.close()


async def assert_dml_only(url: str, password: str) -> None:
    async with service_connection(url, "intake", password) as conn:
        assert await conn.fetchval(OUTBOX_ROW) is not None  # and its trigger lists the row unpublished
        assert await conn.fetchval("SELECT count(*) FROM intake.outbox_unpublished") >= 1
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE intake.side_table (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("DROP TABLE intake.outbox")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("ALTER TABLE intake.outbox ADD COLUMN extra int")


async def test_spec9_migrations_run_as_the_owner_and_the_service_gets_dml_only(stack: Stack, scratch_url: str) -> None:
    await as_admin(scratch_url, "intake", stack.db_password, separate_owner=True)
    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password, "head", True)

    assert await owners(scratch_url) == {"qms_intake_owner"}
    await assert_dml_only(scratch_url, stack.db_password)


async def test_spec9_a_schema_of_the_development_model_is_handed_to_its_owner(stack: Stack, scratch_url: str) -> None:
    await as_admin(scratch_url, "intake", stack.db_password, separate_owner=False)
    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password)
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        kept = await conn.fetchval(OUTBOX_ROW)

    await as_admin(scratch_url, "intake", stack.db_password, separate_owner=True)
    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password, "head", True)

    assert await owners(scratch_url) == {"qms_intake_owner"}
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        assert await conn.fetchval("SELECT count(*) FROM intake.outbox WHERE id = $1", kept) == 1
    await assert_dml_only(scratch_url, stack.db_password)
