"""A background loop of a service (notify's timers and deliveries, crm's visit planning): runs one step
after another, waits when a step found nothing to do, and outlives a failing step (the database away, a
restart) by logging it and trying again."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("qms.worker")

FAILURE_PAUSE_S = 2.0


class PollingWorker:
    def __init__(self, name: str, step: Callable[[], Awaitable[bool]], idle_s: float) -> None:
        self.name = name
        self.step = step
        self.idle_s = idle_s
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    async def _run(self) -> None:
        while True:
            try:
                busy = await self.step()
            except Exception:
                log.warning("%s: step failed; trying again", self.name, exc_info=True)
                await asyncio.sleep(FAILURE_PAUSE_S)
                continue
            if not busy:
                await asyncio.sleep(self.idle_s)
