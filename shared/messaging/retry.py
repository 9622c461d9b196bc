"""The one backoff of the delivery loops: pauses that double up to a cap, cut short by shutdown.

A small helper rather than a retry library: the consumer's and the relay's loops never give up, tidy
up (close their clients) between attempts and start over from the first pause after a success, and
every pause must end the moment the service stops; a decorator-style retry fits none of that.
"""

import asyncio
import contextlib


async def pause_unless_stopping(stopping: asyncio.Event, seconds: float) -> None:
    """Waits ``seconds``, or less if ``stopping`` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)


class Backoff:
    """Pauses from ``first`` doubling up to ``cap``; ``reset`` after a success starts over."""

    def __init__(self, first: float, cap: float) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def reset(self) -> None:
        self._next = self.first

    def next_pause(self) -> float:
        pause = self._next
        self._next = min(self._next * 2, self.cap)
        return pause

    async def pause(self, stopping: asyncio.Event) -> None:
        await pause_unless_stopping(stopping, self.next_pause())


# The supervising loops (consumer, relay): a broker or database away is retried at these pauses.
LOOP_FIRST_PAUSE_S = 0.2
LOOP_PAUSE_CAP_S = 5.0


def loop_backoff() -> Backoff:
    return Backoff(LOOP_FIRST_PAUSE_S, LOOP_PAUSE_CAP_S)
