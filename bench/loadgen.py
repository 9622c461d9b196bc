"""Load generators on a minimal HTTP/1.1 keep-alive client over asyncio streams: a closed loop keeping
a fixed number of requests in flight, and an open-loop scheduler firing at a fixed rate whatever the
latency.

Why not httpx: on this 2-core machine httpx spent about 2 ms of client CPU per request (measured:
101 req/s against the bare app where this client reached 915 req/s at the same concurrency), so the
generator, not the server, would have been measured. Requests here are pre-encoded bytes and
responses are read by their Content-Length (uvicorn always sends one)."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.stats import percentile


def describe(concurrency: int) -> str:
    return (
        "Python asyncio (uvloop) HTTP/1.1 keep-alive client (bench/loadgen.py, pre-encoded requests), closed loop: "
        f"{concurrency} connections with one request in flight each"
    )


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


def encode_request(method: str, host: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        return cls(*await asyncio.open_connection(host, port))

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        """Sends one request; returns the response's status and body."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


class Client:
    """A pool of kept-alive connections to one base URL."""

    def __init__(self, base_url: str, max_connections: int = 200) -> None:
        parts = urlsplit(base_url)
        self._slots = asyncio.Semaphore(max_connections)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.authority = f"{self.host}:{self.port}"
        self._idle: list[Connection] = []

    def request_bytes(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b"", params: dict[str, str] | None = None
    ) -> bytes:
        target = f"{path}?{urlencode(params)}" if params else path
        return encode_request(method, self.authority, target, headers, body)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """One request on an idle connection, or a new one while fewer than ``max_connections`` are
        open; otherwise it queues (an open-loop caller still counts that wait in its latency)."""
        async with self._slots:
            return await self._send(request)

    async def _send(self, request: bytes) -> tuple[int, bytes]:
        if self._idle:
            connection = self._idle.pop()
            try:
                return await self._exchange(connection, request)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass  # the server closed an idle kept-alive connection: retry once on a new one
        return await self._exchange(await Connection.open(self.host, self.port), request)

    async def _exchange(self, connection: Connection, request: bytes) -> tuple[int, bytes]:
        try:
            response = await connection.exchange(request)
        except BaseException:
            connection.close()
            raise
        self._idle.append(connection)
        return response

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


@contextlib.asynccontextmanager
async def client(base_url: str) -> AsyncIterator[Client]:
    pool = Client(base_url)
    try:
        yield pool
    finally:
        pool.close()


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
    """POSTs ``body`` on ``concurrency`` connections for ``warmup_s`` + ``duration_s``, each with one
    request in flight; only requests that start and finish inside the measured window count."""
    parts = urlsplit(url)
    request = encode_request("POST", parts.netloc, parts.path, {"content-type": "application/json", **headers}, body)
    begin = time.perf_counter() + warmup_s
    end = begin + duration_s
    result = LoadResult(seconds=duration_s)

    async def worker() -> None:
        connection = await Connection.open(parts.hostname or "127.0.0.1", parts.port or 80)
        try:
            while True:
                started = time.perf_counter()
                if started >= end:
                    return
                status, _ = await connection.exchange(request)
                finished = time.perf_counter()
                if started < begin or finished > end:
                    continue
                if status == expect:
                    result.latencies_s.append(finished - started)
                else:
                    result.errors[status] = result.errors.get(status, 0) + 1
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return result


async def open_loop(
    rate_per_s: float,
    duration_s: float,
    fire: Callable[[float], Coroutine[Any, Any, None]],
    saturated: Callable[[], bool] = lambda: False,
) -> int:
    """Calls ``fire(scheduled_time)`` at a steady ``rate_per_s`` for ``duration_s`` (each call a task of
    its own, so a slow one never delays the next), or until ``saturated()`` says the system under test
    has fallen too far behind to go on; returns how many were fired."""
    interval = 1.0 / rate_per_s
    start = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    count = int(rate_per_s * duration_s)
    for i in range(count):
        if saturated():
            break
        scheduled = start + i * interval
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(scheduled)))
    await asyncio.gather(*tasks)
    return len(tasks)
