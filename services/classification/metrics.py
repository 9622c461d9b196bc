"""Classification's own Prometheus metrics; the open-incidents gauge is recounted from the database on
every scrape of ``/metrics``, so it is never staler than the scrape itself."""

from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.incidents import repository

RETURN_LINES = Counter(
    "qms_classification_return_lines_total",
    "ERP return lines seen by classification: counted once, or already counted (CLS-2)",
    ["outcome"],
)
INCIDENTS_OPENED = Counter(
    "qms_classification_incidents_opened_total", "Incidents opened, by origin and level (CLS-1)", ["origin", "level"]
)
INCIDENTS_OPEN = Gauge("qms_incidents_open", "Incidents not closed yet, by level (CLS-1)", ["level"])


async def refresh_open_incidents(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        counts = await repository.open_counts_by_level(session)
    for level in ("general", "batch", "major"):
        INCIDENTS_OPEN.labels(level).set(counts.get(level, 0))
