"""Metrics (Prometheus), JSON logs, and the health endpoints every service serves."""

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from shared import context

HTTP_REQUESTS = Counter("qms_http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "qms_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("qms_events_published_total", "Events published by the outbox relay", ["service", "topic"])
EVENTS_CONSUMED = Counter("qms_events_consumed_total", "Events applied by a consumer", ["service", "topic"])
EVENTS_DUPLICATE = Counter(
    "qms_events_duplicate_total", "Redelivered events skipped by the inbox", ["service", "topic"]
)
EVENTS_FAILED = Counter("qms_events_failed_total", "Event processing attempts that failed", ["service", "topic"])
# reason: undecodable, unknown_type, unknown_version or handler_failed (shared.messaging.dead_letters).
EVENTS_DEAD_LETTERED = Counter(
    "qms_events_dead_lettered_total", "Events sent to a dead-letter topic", ["service", "topic", "reason"]
)
# Events of a known type the consumer does not subscribe to: with consumed, duplicate and dead-lettered,
# every record a consumer fetched from a topic is counted once.
EVENTS_IGNORED = Counter(
    "qms_events_ignored_total", "Events of a known type a consumer does not subscribe to", ["service", "topic"]
)
ROWS_PRUNED = Counter(
    "qms_retention_pruned_total", "Platform rows deleted once older than the retention", ["service", "table"]
)
# Counts a consumer transaction made, waiting for its commit (None: no consumer transaction here).
_uncommitted: ContextVar[list[tuple[Counter, float]] | None] = ContextVar("qms_uncommitted_counts", default=None)


def count_when_committed(counter: Counter, amount: float = 1) -> None:
    """Counts once the consumer transaction applying the current events commits (at once outside one):
    a batch that fails and is applied again event by event must not count what it did twice."""
    pending = _uncommitted.get()
    if pending is None:
        counter.inc(amount)
    else:
        pending.append((counter, amount))


@contextlib.contextmanager
def counted_on_commit() -> Iterator[None]:
    """Wraps a consumer transaction, its commit included: the counts made inside are counted only if the
    block ends without an error."""
    pending: list[tuple[Counter, float]] = []
    token = _uncommitted.set(pending)
    try:
        yield
    finally:
        _uncommitted.reset(token)
    for counter, amount in pending:
        counter.inc(amount)


@contextlib.contextmanager
def uncounted_on_error() -> Iterator[None]:
    """Wraps a savepoint: the counts made inside are dropped if it is rolled back."""
    pending = _uncommitted.get()
    mark = len(pending) if pending is not None else 0
    try:
        yield
    except BaseException:
        if pending is not None:
            del pending[mark:]
        raise


OUTBOX_BACKLOG = Gauge("qms_outbox_backlog", "Outbox rows not yet published", ["service"])
OUTBOX_LOG_LOST = Counter(
    "qms_outbox_log_lost_total", "Topics a relay found the broker had lost the log of", ["service", "topic"]
)
OUTBOX_REPUBLISHED = Counter(
    "qms_outbox_republished_total", "Events a relay listed again because the broker lost its log", ["service"]
)
CONSUMER_LAG = Gauge("qms_consumer_lag", "Messages behind the end of the partition", ["service", "topic", "partition"])


REFRESH_TIMEOUT_S = 1.5

GaugeRefresh = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


class RefreshOnScrape:
    """ASGI middleware: before ``GET /metrics`` is answered, a service's gauge is recounted from its
    database, so it is never staler than the scrape. A database that is away or slow leaves the last
    value in place; the scrape itself never fails and never waits long."""

    def __init__(self, app: ASGIApp, refresh: GaugeRefresh, gauge: str) -> None:
        self.app = app
        self.refresh = refresh
        self.gauge = gauge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/metrics":
            sessions = getattr(scope["app"].state, "sessions", None)
            if sessions is not None:
                try:
                    await asyncio.wait_for(self.refresh(sessions), timeout=REFRESH_TIMEOUT_S)
                except Exception as exc:
                    logging.getLogger("qms.metrics").warning("%s gauge not refreshed: %s", self.gauge, exc)
        await self.app(scope, receive, send)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": context.correlation_id.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.ERROR)


ReadinessCheck = Callable[[], Awaitable[None]]


def health_router(checks: Callable[[], dict[str, ReadinessCheck]]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", responses={503: {"description": "The database or the broker is not reachable"}})
    async def readyz(response: Response) -> dict[str, object]:
        results: dict[str, str] = {}
        for name, check in checks().items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:
                results[name] = f"unavailable: {type(exc).__name__}"
        ready = all(value == "ok" for value in results.values())
        response.status_code = 200 if ready else 503
        return {"status": "ready" if ready else "not_ready", "checks": results}

    @router.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
