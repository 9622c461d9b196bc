"""Suites that kill, restart, empty or fuzz parts of the stack: each module runs on a stack of its own,
so no other suite runs on what it left behind, whatever the order of the files."""

from collections.abc import Iterator

import pytest

from shared.stack import Stack
from tests.stacks import client_fixture, running_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_stack() as started:
        yield started


intake = client_fixture("intake", "module")
classification = client_fixture("classification", "module")
sanctions = client_fixture("sanctions", "module")
crm = client_fixture("crm", "module")
notify = client_fixture("notify", "module")
