"""``make run`` and the suite's stack are supervised: a service or the embedded broker that exits is
started again after a backoff, and a broker started again leads the relays to re-publish its lost log.

On a stack of its own: killing the broker empties its log, which every consumer then reads again.
"""

import contextlib
import os
import signal

import httpx
import pytest

from shared.stack import Stack
from tests.integration.delivery_helpers import incidents_for
from tests.integration.factories import product_complaint
from tests.support import auth, eventually, metric

pytestmark = pytest.mark.integration


async def test_a_service_killed_with_sigkill_is_started_again_and_answers(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    service = stack.services["intake"]
    assert service.process is not None
    killed = service.process.pid
    os.kill(killed, signal.SIGKILL)

    async def answers_again() -> bool:
        process = service.process
        if process is None or process.pid == killed:
            return False
        with contextlib.suppress(httpx.HTTPError):
            return (await intake.get("/healthz")).status_code == 200
        return False

    await eventually(answers_again, timeout=60, interval=0.2)


async def test_a_broker_killed_with_sigkill_is_started_again_and_the_relays_republish_its_lost_log(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    assert stack.broker is not None and stack.broker.process is not None
    before = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    await eventually(lambda: incidents_for(classification, before.json()["id"]), timeout=60)
    series = 'qms_outbox_log_lost_total{service="intake",topic="qms.intake.complaints"}'
    losses_before = await metric(intake, series)

    os.kill(stack.broker.process.pid, signal.SIGKILL)

    async def republished() -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return await metric(intake, series) > losses_before
        return False

    await eventually(republished, timeout=90, interval=0.5)
    after = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    assert after.status_code == 201, after.text
    await eventually(lambda: incidents_for(classification, after.json()["id"]), timeout=90)
