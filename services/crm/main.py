"""CRM: customers, tiers, classes, visits, relationship fees (SPEC §6). The only wiring."""

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
from shared.app import ServiceSpec, Worker, create_app
from shared.auth import Role
from shared.calendar_store import calendar_copy_subscriptions, calendar_router
from shared.messaging.subscriptions import Subscriptions

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


def visit_planning(app: FastAPI) -> list[Worker]:
    """The monthly visit planning pass (CRM-5), beside the platform's database, consumer and relay."""
    settings: CrmSettings = app.state.settings
    return [visit_planning_worker(app.state.sessions, settings.visit_planning_s)]


app = create_app(
    ServiceSpec(
        name="crm",
        settings_factory=CrmSettings,
        routers=[
            customers_router,
            complaints_router,
            classes_router,
            visits_router,
            fees_router,
            attachments_router,
            calendar,
        ],
        subscriptions=Subscriptions.of(complaint_subscriptions, calendar_copy_subscriptions()),
        workers=visit_planning,
    )
)
