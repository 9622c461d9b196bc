"""Classification's own Prometheus metrics; the open-incidents gauge is recounted from the database on
every scrape of ``/metrics``, so it is never staler than the scrape itself."""

import asyncio
import logging

from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from services.classification.incidents import repository

log = logging.getLogger("qms.classification.metrics")

RETURN_LINES = Counter(
    "qms_classification_return_lines_total",
    "ERP return lines seen by classification: counted once, or already counted (CLS-2)",
    ["outcome"],
)
INCIDENTS_OPENED = Counter(
    "qms_classification_incidents_opened_total", "Incidents opened, by origin and level (CLS-1)", ["origin", "level"]
)
INCIDENTS_OPEN = Gauge("qms_incidents_open", "Incidents not closed yet, by level (CLS-1)", ["level"])

REFRESH_TIMEOUT_S = 1.5


async def refresh_open_incidents(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        counts = await repository.open_counts_by_level(session)
    for level in ("general", "batch", "major"):
        INCIDENTS_OPEN.labels(level).set(counts.get(level, 0))


class RefreshOnScrape:
    """ASGI middleware: before ``GET /metrics`` is answered, the open-incidents gauge is recounted. A
    database that is away or slow leaves the last value in place; the scrape itself never fails."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/metrics":
            sessions = getattr(scope["app"].state, "sessions", None)
            if sessions is not None:
                try:
                    await asyncio.wait_for(refresh_open_incidents(sessions), timeout=REFRESH_TIMEOUT_S)
                except Exception as exc:
                    log.warning("open-incidents gauge not refreshed: %s", exc)
        await self.app(scope, receive, send)
