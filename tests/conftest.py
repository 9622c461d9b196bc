"""The integration suite runs against one real embedded stack: Postgres, the Tansu broker, and the
five services as separate processes on free ports, and a local SMTP server."""

import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from shared.stack import Stack, free_port

# NTF-3 over the running stack: a clock the tests can move, and retries and leases short enough to watch.
NOTIFY_TEST_ENV = {
    "QMS_NOTIFY_CLOCK_CONTROL": "true",
    "QMS_NOTIFY_TIMER_POLL_S": "0.2",
    "QMS_NOTIFY_DELIVERY_POLL_S": "0.2",
    "QMS_NOTIFY_DELIVERY_BACKOFF_S": "0.2",
    "QMS_NOTIFY_DELIVERY_BACKOFF_CAP_S": "1",
    "QMS_NOTIFY_DELIVERY_MAX_ATTEMPTS": "3",
    "QMS_NOTIFY_DELIVERY_LEASE_S": "3",
    "QMS_NOTIFY_DELIVERY_BATCH": "2",
}


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    data_dir = Path(tempfile.mkdtemp(prefix="qms-test-"))
    stack = Stack(
        data_dir=data_dir,
        kafka_port=free_port(),
        ports={name: free_port() for name in ("intake", "classification", "sanctions", "crm", "notify")},
        mail_port=free_port(),
        console_port=free_port(),
        extra_env={"QMS_KAFKA_FETCH_MAX_WAIT_MS": "10", "QMS_LOG_LEVEL": "INFO", **NOTIFY_TEST_ENV},
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


@pytest.fixture(scope="session")
async def notify(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(stack, "notify") as client:
        yield client
