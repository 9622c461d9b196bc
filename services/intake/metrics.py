"""Intake's own metrics (CMP-3): the overdue-complaint gauge, refreshed from the database on every
scrape of ``/metrics`` so it is never staler than the scrape itself."""

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.intake.complaints import service as complaints

COMPLAINTS_OVERDUE = Gauge(
    "qms_complaints_overdue", "Complaints past their investigate_by or reply_by deadline and still waiting (CMP-3)"
)


async def refresh_overdue(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        COMPLAINTS_OVERDUE.set(await complaints.overdue_count(session))
