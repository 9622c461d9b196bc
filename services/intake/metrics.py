"""Intake's own metrics (CMP-3): the overdue-complaint gauge, refreshed from the database on every
scrape of ``/metrics`` so it is never staler than the scrape itself."""

import asyncio
import logging

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Receive, Scope, Send

from services.intake.complaints import service as complaints

log = logging.getLogger("qms.intake.metrics")

COMPLAINTS_OVERDUE = Gauge(
    "qms_complaints_overdue", "Complaints past their investigate_by or reply_by deadline and still waiting (CMP-3)"
)


async def refresh_overdue(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        COMPLAINTS_OVERDUE.set(await complaints.overdue_count(session))


REFRESH_TIMEOUT_S = 1.5


class RefreshOnScrape:
    """ASGI middleware: before ``GET /metrics`` is answered, the overdue gauge is recounted.
    A database that is away or slow leaves the last value in place; the scrape itself never fails
    and never waits long."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/metrics":
            sessions = getattr(scope["app"].state, "sessions", None)
            if sessions is not None:
                try:
                    await asyncio.wait_for(refresh_overdue(sessions), timeout=REFRESH_TIMEOUT_S)
                except Exception as exc:
                    log.warning("overdue gauge not refreshed: %s", exc)
        await self.app(scope, receive, send)
