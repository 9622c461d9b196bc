"""The integration suite runs against one real embedded stack (``tests/stacks.py``); the destructive
suites under ``tests/integration/destructive/`` each get one of their own."""

from collections.abc import Iterator

import pytest

from shared.stack import Stack
from tests.stacks import client_fixture, running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    with running_stack(with_console=True) as started:
        yield started


intake = client_fixture("intake", "session")
classification = client_fixture("classification", "session")
sanctions = client_fixture("sanctions", "session")
crm = client_fixture("crm", "session")
notify = client_fixture("notify", "session")
