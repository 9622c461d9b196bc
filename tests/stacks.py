"""The embedded stacks the integration suites run against: Postgres, the Tansu broker and the five
services as separate processes on free ports, and a local SMTP server, each stack in a directory of
its own. The suite shares one (``tests/conftest.py``); a destructive suite, which kills, restarts or
empties parts of it, gets one of its own (``tests/integration/destructive/conftest.py``)."""

import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.stack import SERVICES, Stack, free_port

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


# Each test waits for what its request set off after a quiet spell: idle consumers still switch to
# their idle fetch wait, but a short one, so that wait does not add up over the suite.
FAST_BROKER_ENV = {"QMS_KAFKA_FETCH_MAX_WAIT_MS": "10", "QMS_KAFKA_IDLE_FETCH_MAX_WAIT_MS": "100"}


@contextlib.contextmanager
def running_stack(with_console: bool = False) -> Iterator[Stack]:
    """A supervised stack on free ports in a temporary directory, stopped and removed on the way out;
    the console (SPEC §12) only where its browser journeys run."""
    data_dir = Path(tempfile.mkdtemp(prefix="qms-test-"))
    stack = Stack(
        data_dir=data_dir,
        kafka_port=free_port(),
        ports={name: free_port() for name in SERVICES},
        mail_port=free_port(),
        console_port=free_port() if with_console else None,
        extra_env={**FAST_BROKER_ENV, "QMS_LOG_LEVEL": "INFO", **NOTIFY_TEST_ENV},
        supervised=True,
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def client_fixture(service: str, scope: Any) -> Callable[..., AsyncIterator[httpx.AsyncClient]]:
    """A fixture of an HTTP client of ``service`` on the ``stack`` fixture, living as long as ``scope``."""

    async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=stack.services[service].url, timeout=30) as connected:
            yield connected

    client.__name__ = service
    return pytest.fixture(scope=scope, name=service)(client)
