"""A consumer says what each applied batch did, one INFO line, so a person watching ``make run`` sees
the events arrive."""

import logging
import uuid

import pytest
from aiokafka import ConsumerRecord, TopicPartition

from shared.events import Envelope
from shared.messaging.subscriptions import Subscriptions
from shared.stack import Stack
from tests.integration.delivery_helpers import CountProbeV1, in_process_runner, probe_value, runner_settings

pytestmark = pytest.mark.integration


def record(offset: int, value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(CountProbeV1.TOPIC, 2, offset, 0, 0, None, value, None, 0, 0, ())


async def test_an_applied_batch_is_logged_with_consumer_topic_partition_applied_and_duplicates(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    subscriptions = Subscriptions()

    @subscriptions.on_batch(CountProbeV1)
    async def accept(_session: object, _items: list[tuple[Envelope, CountProbeV1]]) -> None:
        return None

    first, second = probe_value(CountProbeV1), probe_value(CountProbeV1)
    name = f"batch-log-{uuid.uuid4().hex[:8]}"
    async with in_process_runner(runner_settings(stack), subscriptions, name) as runner:
        await runner.apply(TopicPartition(CountProbeV1.TOPIC, 2), [record(0, first)])
        with caplog.at_level(logging.INFO, logger="qms.consumer"):
            await runner.apply(TopicPartition(CountProbeV1.TOPIC, 2), [record(1, first), record(2, second)])

    lines = [r.getMessage() for r in caplog.records if r.name == "qms.consumer" and r.levelno == logging.INFO]
    assert lines == [f"consumer {name} applied 1 event(s) of {CountProbeV1.TOPIC}[2], 1 duplicate(s)"]
