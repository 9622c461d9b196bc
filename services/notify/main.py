"""Notify: who hears what, when (SPEC §10, NTF-1…4). The only wiring."""

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
from shared.app import ServiceSpec, Worker, create_app
from shared.auth import Role
from shared.calendar_store import calendar_copy_subscriptions, calendar_router
from shared.messaging.subscriptions import Subscriptions

# The working-day calendar is intake's: a year loaded there moves this service's CRM-6 reminders.
calendar = calendar_router(readers=(Role.ADMIN_DEPT, Role.OPS))


def timers_and_deliveries(app: FastAPI) -> list[Worker]:
    """The timer and delivery loops, beside the platform's database, consumer and relay."""
    settings: NotifySettings = app.state.settings
    return [timer_worker(app.state.sessions, app.state.clock, settings), DeliveryWorker(app.state.sessions, settings)]


app = create_app(
    ServiceSpec(
        name="notify",
        settings_factory=NotifySettings,
        routers=[notifications_router, people_router, deliveries_router, clock_router, calendar],
        subscriptions=Subscriptions.of(
            notification_subscriptions, statement_subscriptions, calendar_copy_subscriptions()
        ),
        workers=timers_and_deliveries,
        scrape_refresh=(refresh_deliveries, "deliveries"),
    )
)
app.state.clock = Clock()
