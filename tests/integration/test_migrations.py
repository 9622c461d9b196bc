"""Each service's migrations on a database of their own: what a revision does to rows already there."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from typing import Any

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.bootstrap import SERVICES, asyncpg_kwargs, ensure_service_schema
from shared.db import admin_url, service_url
from shared.migrations import alembic_config, upgrade
from shared.stack import Stack
from shared.tables import platform_tables
from tests.support import service_connection

pytestmark = pytest.mark.integration

BEFORE_UNPUBLISHED_LIST = "20261124_0002"
SENT = datetime(2026, 11, 24, 10, tzinfo=timezone(timedelta(hours=8)))


@contextlib.asynccontextmanager
async def scratch_database(stack: Stack, service: str) -> AsyncIterator[str]:
    """A database of its own on the stack's server, with the service's role and schema in it."""
    name = f"qms_migrations_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(**asyncpg_kwargs(admin_url(stack.database_url or "")))
    await admin.execute(f"CREATE DATABASE {name}")
    url = make_url(stack.database_url or "").set(database=name).render_as_string(hide_password=False)
    scratch = await asyncpg.connect(**asyncpg_kwargs(admin_url(url)))
    try:
        await ensure_service_schema(scratch, service, stack.db_password)
        await scratch.close()
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@pytest.fixture
async def scratch_url(stack: Stack) -> AsyncIterator[str]:
    async with scratch_database(stack, "intake") as url:
        yield url


SCHEMA_CONTENTS = """
SELECT 'relation ' || c.relname FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname NOT IN ('alembic_version', 'alembic_version_pkc')
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname = $1
UNION ALL
SELECT 'type ' || t.typname FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
WHERE n.nspname = $1 AND t.typtype IN ('e', 'd')
ORDER BY 1
"""


@pytest.mark.parametrize("service", SERVICES)
async def test_each_services_migrations_go_down_to_an_empty_schema_and_up_again(stack: Stack, service: str) -> None:
    """Every revision's downgrade undoes its upgrade: from head down to base the service's schema keeps
    no table, index, sequence, function or type, and the service migrates up to head again."""
    async with scratch_database(stack, service) as url:
        await asyncio.to_thread(upgrade, service, url, stack.db_password)
        config = alembic_config(service, url, stack.db_password)
        await asyncio.to_thread(command.downgrade, config, "base")
        async with service_connection(url, service, stack.db_password) as conn:
            left = [row[0] for row in await conn.fetch(SCHEMA_CONTENTS, service)]
        assert left == []
        await asyncio.to_thread(upgrade, service, url, stack.db_password)
        async with service_connection(url, service, stack.db_password) as conn:
            assert await conn.fetchval(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1", service
            )


async def test_outbox_rows_waiting_at_the_upgrade_are_listed_unpublished_and_the_downgrade_marks_them_back(
    stack: Stack, scratch_url: str
) -> None:
    """Revision 0003 moves the publish marks to ``outbox_unpublished``: a row the relay had not sent yet
    is still sent after the upgrade, one it had sent is not sent again; the downgrade restores the marks."""
    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password, BEFORE_UNPUBLISHED_LIST)
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        inserted = await conn.fetch(
            "INSERT INTO intake.outbox (event_id, topic, key, event_type, payload, published_at) "
            "SELECT gen_random_uuid(), 'qms.intake.complaints', 'k', 't', '{}', p "
            "FROM unnest($1::timestamptz[]) WITH ORDINALITY AS u(p, n) ORDER BY n RETURNING id, published_at",
            [None, SENT, None, SENT],
        )
    waiting = sorted(row["id"] for row in inserted if row["published_at"] is None)

    await asyncio.to_thread(upgrade, "intake", scratch_url, stack.db_password)
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        assert [
            row["id"] for row in await conn.fetch("SELECT id FROM intake.outbox_unpublished ORDER BY id")
        ] == waiting
        new_id = await conn.fetchval(
            "INSERT INTO intake.outbox (event_id, topic, key, event_type, payload) "
            "VALUES (gen_random_uuid(), 'qms.intake.complaints', 'k', 't', '{}') RETURNING id"
        )
        assert await conn.fetchval("SELECT count(*) FROM intake.outbox_unpublished WHERE id = $1", new_id) == 1

    config = alembic_config("intake", scratch_url, stack.db_password)
    await asyncio.to_thread(command.downgrade, config, BEFORE_UNPUBLISHED_LIST)
    async with service_connection(scratch_url, "intake", stack.db_password) as conn:
        unmarked = await conn.fetch("SELECT id FROM intake.outbox WHERE published_at IS NULL ORDER BY id")
    assert [row["id"] for row in unmarked] == [*waiting, new_id]


@pytest.mark.parametrize("service", SERVICES)
async def test_each_services_platform_tables_are_what_the_code_declares(stack: Stack, service: str) -> None:
    """The outbox, its unpublished list, the inbox and the idempotency keys as the migrations left them
    match ``shared.tables`` (the relay, the consumer and the bench build their statements from it)."""
    tables = platform_tables(service)
    names = {table.name for table in tables.metadata.sorted_tables}

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, kind, _parent: kind != "table" or name in names},
        )
        return list(compare_metadata(context, tables.metadata))

    engine = create_async_engine(service_url(stack.database_url or "", service, stack.db_password))
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert found == []
