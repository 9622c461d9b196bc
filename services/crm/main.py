"""CRM: customers, tiers, classes, visits, relationship fees (SPEC §6). The only wiring."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.crm.attachments.router import router as attachments_router
from services.crm.classes.router import router as classes_router
from services.crm.complaints.handlers import subscriptions as complaint_subscriptions
from services.crm.complaints.router import router as complaints_router
from services.crm.customers.router import router as customers_router
from services.crm.fees.router import router as fees_router
from services.crm.settings import CrmSettings
from services.crm.visits.router import router as visits_router
from services.crm.visits.worker import visit_planning_worker
from shared.app import ServiceSpec, create_app
from shared.auth import Role
from shared.calendar_store import calendar_copy_subscriptions, calendar_router
from shared.http.dead_letters import dead_letters_router
from shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions()
subscriptions.include(complaint_subscriptions)
subscriptions.include(calendar_copy_subscriptions())

# The working-day calendar is intake's: crm serves its copy, kept from intake's year_loaded events.
calendar = calendar_router(
    readers=(
        Role.SALES,
        Role.SALES_CLERK,
        Role.SALES_MANAGER,
        Role.FINANCE,
        Role.ADMIN_DEPT,
        Role.QUALITY_MANAGER,
        Role.CUSTOMER_SERVICE,
    ),
)

app = create_app(
    ServiceSpec(
        name="crm",
        title="QMS crm",
        settings_factory=CrmSettings,
        routers=[
            customers_router,
            complaints_router,
            classes_router,
            visits_router,
            fees_router,
            attachments_router,
            calendar,
            dead_letters_router(),
        ],
        subscriptions=subscriptions,
    )
)

platform_lifespan = app.router.lifespan_context


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The platform's lifespan (database, consumer, relay), and inside it the monthly visit planning pass."""
    async with platform_lifespan(app):
        settings: CrmSettings = app.state.settings
        planning = visit_planning_worker(app.state.sessions, settings.visit_planning_s)
        await planning.start()
        try:
            yield
        finally:
            await planning.stop()


app.router.lifespan_context = lifespan
