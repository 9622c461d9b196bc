"""SPEC §9 Delivery: the consumer's and the relay's loops retry a broker or database that is away with
one backoff, doubling to a cap, starting over after a success, never outliving a shutdown."""

import asyncio
import time

from shared.messaging.retry import Backoff, loop_backoff


def test_spec9_pauses_double_up_to_the_cap() -> None:
    backoff = Backoff(0.2, 1.0)
    assert [backoff.next_pause() for _ in range(5)] == [0.2, 0.4, 0.8, 1.0, 1.0]


def test_spec9_a_success_starts_the_pauses_over() -> None:
    backoff = loop_backoff()
    first = backoff.next_pause()
    backoff.next_pause()
    backoff.reset()
    assert backoff.next_pause() == first


async def test_spec9_a_pause_ends_when_the_service_stops() -> None:
    stopping = asyncio.Event()
    backoff = Backoff(30.0, 30.0)
    asyncio.get_running_loop().call_later(0.05, stopping.set)
    started = time.monotonic()
    await backoff.pause(stopping)
    assert time.monotonic() - started < 5
