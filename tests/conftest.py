"""The integration suite runs against one real embedded stack: Postgres, the Tansu broker, and the
four services as separate processes on free ports."""

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from shared.stack import Stack, free_port


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    data_dir = Path(tempfile.mkdtemp(prefix="qms-test-"))
    stack = Stack(
        data_dir=data_dir,
        kafka_port=free_port(),
        ports={name: free_port() for name in ("intake", "classification", "sanctions", "crm")},
        extra_env={"QMS_KAFKA_FETCH_MAX_WAIT_MS": "10", "QMS_LOG_LEVEL": "INFO"},
        supervised=True,
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def _client(stack: Stack, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=stack.services[name].url, timeout=30)


@pytest.fixture(scope="session")
async def intake(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(stack, "intake") as client:
        yield client


@pytest.fixture(scope="session")
async def classification(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(stack, "classification") as client:
        yield client


@pytest.fixture(scope="session")
async def sanctions(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(stack, "sanctions") as client:
        yield client


@pytest.fixture(scope="session")
async def crm(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(stack, "crm") as client:
        yield client
