"""The body of every service's ``migrations/env.py``: online migrations into the service's schema."""

import asyncio

from alembic import context
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import create_async_engine


def _migrate(connection: Connection, schema: str, role: str | None, target_metadata: MetaData | None) -> None:
    if role is not None:
        # What the migration creates belongs to the schema's owner, not to whoever logged in.
        connection.execute(text(f"SET ROLE {role}"))
    connection.execute(text(f"SET search_path TO {schema}"))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table_schema=schema,
        include_schemas=False,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run(url: str, schema: str, role: str | None, target_metadata: MetaData | None) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(_migrate, schema, role, target_metadata)
    await engine.dispose()


def run(target_metadata: MetaData | None) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None, "migrations need sqlalchemy.url"
    asyncio.run(_run(url, config.attributes["schema"], config.attributes.get("role"), target_metadata))
