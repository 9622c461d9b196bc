"""Notify: who hears what, when (SPEC §10, NTF-1…4). The only wiring."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.notify.clock.router import router as clock_router
from services.notify.clock.rules import Clock
from services.notify.deliveries.router import router as deliveries_router
from services.notify.deliveries.worker import DeliveryWorker
from services.notify.metrics import refresh_deliveries
from services.notify.notifications.handlers import subscriptions as notification_subscriptions
from services.notify.notifications.router import router as notifications_router
from services.notify.people.router import router as people_router
from services.notify.settings import NotifySettings
from services.notify.statements.handlers import subscriptions as statement_subscriptions
from services.notify.timers.worker import timer_worker
from shared.app import ServiceSpec, create_app
from shared.auth import Role
from shared.calendar_store import calendar_copy_subscriptions, calendar_router
from shared.http.dead_letters import dead_letters_router
from shared.messaging.subscriptions import Subscriptions
from shared.observability import RefreshOnScrape

subscriptions = Subscriptions()
subscriptions.include(notification_subscriptions)
subscriptions.include(statement_subscriptions)
subscriptions.include(calendar_copy_subscriptions())

# The working-day calendar is intake's: a year loaded there moves this service's CRM-6 reminders.
calendar = calendar_router(readers=(Role.ADMIN_DEPT, Role.OPS))

app = create_app(
    ServiceSpec(
        name="notify",
        title="QMS notify",
        settings_factory=NotifySettings,
        routers=[notifications_router, people_router, deliveries_router, clock_router, calendar, dead_letters_router()],
        subscriptions=subscriptions,
    )
)
app.state.clock = Clock()
app.add_middleware(RefreshOnScrape, refresh=refresh_deliveries, gauge="deliveries")

platform_lifespan = app.router.lifespan_context


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The platform's lifespan (database, consumer, relay), and inside it the timer and delivery loops."""
    async with platform_lifespan(app):
        settings: NotifySettings = app.state.settings
        workers = [
            timer_worker(app.state.sessions, app.state.clock, settings),
            DeliveryWorker(app.state.sessions, settings),
        ]
        for worker in workers:
            await worker.start()
        try:
            yield
        finally:
            for worker in workers:
                await worker.stop()


app.router.lifespan_context = lifespan
