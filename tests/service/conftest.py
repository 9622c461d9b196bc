"""The service layer against the real Postgres: one embedded server for the session with every
service's migrations applied (as the integration stack prepares it, without broker or services), and
per test a session joined to an outer transaction that is rolled back, so no test sees another's rows."""

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from shared.bootstrap import SERVICES, bootstrap_database
from shared.db import service_url
from shared.migrations import upgrade
from shared.stack import EmbeddedPostgres

PASSWORD = "qms-test"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    data_dir = Path(tempfile.mkdtemp(prefix="qms-test-"))
    postgres = EmbeddedPostgres(data_dir / "pg")
    try:
        url = postgres.start()
        asyncio.run(bootstrap_database(url, dict.fromkeys(SERVICES, PASSWORD)))
        for service in SERVICES:
            upgrade(service, url, PASSWORD)
        yield url
    finally:
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
async def engines(database_url: str) -> AsyncIterator[dict[str, AsyncEngine]]:
    """One engine per service, logged in as its own role with its schema first, as the service runs."""
    made = {
        service: create_async_engine(
            service_url(database_url, service, PASSWORD),
            connect_args={"server_settings": {"search_path": service, "timezone": "UTC"}},
        )
        for service in SERVICES
    }
    yield made
    for engine in made.values():
        await engine.dispose()


async def _rolled_back(engine: AsyncEngine, schema: str) -> AsyncIterator[AsyncSession]:
    """A session inside an outer transaction on one connection: the code under test may begin and
    commit (savepoints), and everything is rolled back at the end."""
    async with engine.connect() as connection:
        outer = await connection.begin()
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            autoflush=False,
            info={"schema": schema},
            join_transaction_mode="create_savepoint",
        )
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


@pytest.fixture
async def classification_session(engines: dict[str, AsyncEngine]) -> AsyncIterator[AsyncSession]:
    async for session in _rolled_back(engines["classification"], "classification"):
        yield session


@pytest.fixture
async def sanctions_session(engines: dict[str, AsyncEngine]) -> AsyncIterator[AsyncSession]:
    async for session in _rolled_back(engines["sanctions"], "sanctions"):
        yield session


@pytest.fixture
async def crm_session(engines: dict[str, AsyncEngine]) -> AsyncIterator[AsyncSession]:
    async for session in _rolled_back(engines["crm"], "crm"):
        yield session


@pytest.fixture
async def intake_session(engines: dict[str, AsyncEngine]) -> AsyncIterator[AsyncSession]:
    async for session in _rolled_back(engines["intake"], "intake"):
        yield session
