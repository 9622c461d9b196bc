"""Load generators: an async httpx client keeping a fixed number of requests in flight (closed loop),
and an open-loop scheduler firing at a fixed rate whatever the latency."""

import asyncio
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.stats import percentile

DESCRIPTION = (
    "Python asyncio + httpx {version}, closed loop: {concurrency} connections, each with one request in flight"
)


def describe(concurrency: int) -> str:
    return DESCRIPTION.format(version=httpx.__version__, concurrency=concurrency)


@dataclass
class LoadResult:
    seconds: float
    latencies_s: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)

    @property
    def completed(self) -> int:
        return len(self.latencies_s)

    @property
    def rps(self) -> float:
        return self.completed / self.seconds

    def p(self, q: float) -> float:
        return percentile(self.latencies_s, q) * 1000 if self.latencies_s else float("nan")


async def closed_loop(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    concurrency: int,
    duration_s: float,
    warmup_s: float,
    expect: int = 201,
) -> LoadResult:
    """POSTs ``body`` from ``concurrency`` workers for ``warmup_s`` + ``duration_s``; only requests that
    start and finish inside the measured window count."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    request_headers = {"content-type": "application/json", **headers}
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        begin = time.perf_counter() + warmup_s
        end = begin + duration_s
        result = LoadResult(seconds=duration_s)

        async def worker() -> None:
            while True:
                started = time.perf_counter()
                if started >= end:
                    return
                response = await client.post(url, content=body, headers=request_headers)
                finished = time.perf_counter()
                if started < begin or finished > end:
                    continue
                if response.status_code == expect:
                    result.latencies_s.append(finished - started)
                else:
                    result.errors[response.status_code] = result.errors.get(response.status_code, 0) + 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return result


async def open_loop(rate_per_s: float, duration_s: float, fire: Callable[[float], Coroutine[Any, Any, None]]) -> int:
    """Calls ``fire(scheduled_time)`` at a steady ``rate_per_s`` for ``duration_s`` (each call a task of
    its own, so a slow one never delays the next); returns how many were fired."""
    interval = 1.0 / rate_per_s
    start = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    count = int(rate_per_s * duration_s)
    for i in range(count):
        scheduled = start + i * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(scheduled)))
    await asyncio.gather(*tasks)
    return count
