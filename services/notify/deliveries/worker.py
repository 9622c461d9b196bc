"""The delivery loop: sends what is due, one batch after another, over one HTTP client for the robots."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.deliveries import service
from services.notify.settings import NotifySettings
from shared.worker import PollingWorker


class DeliveryWorker(PollingWorker):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: NotifySettings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.client: httpx.AsyncClient | None = None
        super().__init__("notify-deliveries", self.deliver, settings.notify_delivery_poll_s)

    async def deliver(self) -> bool:
        if self.client is None:
            self.client = httpx.AsyncClient(timeout=self.settings.notify_send_timeout_s)
        return await service.deliver_due(self.sessions, self.settings, self.client) > 0

    async def stop(self) -> None:
        await super().stop()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
