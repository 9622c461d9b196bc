"""Notify's own metrics (NTF-3): deliveries sent and failed by channel (counters), and the deliveries
pending and failed right now (gauges, recounted from the database on every scrape of ``/metrics``)."""

from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.deliveries import repository
from services.notify.notifications.rules import Channel

NOTIFICATIONS = Counter("qms_notify_notifications_total", "Notifications put in a person's inbox", ["rule"])
DELIVERIES = Counter(
    "qms_notify_deliveries_total",
    "Delivery attempts by channel and outcome (sent, retry, failed)",
    ["channel", "outcome"],
)
DELIVERIES_WAITING = Gauge(
    "qms_notify_deliveries_waiting",
    "Deliveries not sent yet, by channel and status (pending, failed)",
    ["channel", "status"],
)
UNADDRESSED = Counter(
    "qms_notify_unaddressed_total", "Occasions the directory names nobody for (a role or a head missing)", ["rule"]
)

WAITING_STATUSES = ("pending", "failed")


async def refresh_deliveries(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        counts = await repository.counts_by_channel(session)
    for channel in Channel:
        if channel == Channel.INBOX:
            continue
        for status in WAITING_STATUSES:
            DELIVERIES_WAITING.labels(channel.value, status).set(counts.get((channel.value, status), 0))
