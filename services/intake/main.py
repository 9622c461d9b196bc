"""Intake: complaints, ERP returns, shop-floor reports (SPEC §2, §3). The only wiring."""

from services.intake.attachments.router import router as attachments_router
from services.intake.complaints.handlers import subscriptions as complaint_subscriptions
from services.intake.complaints.router import CALENDAR_KEEPERS
from services.intake.complaints.router import READERS as COMPLAINT_READERS
from services.intake.complaints.router import router as complaints_router
from services.intake.customers.handlers import subscriptions as customer_subscriptions
from services.intake.metrics import refresh_overdue
from services.intake.reports.router import router as reports_router
from services.intake.returns.router import router as returns_router
from services.intake.settings import IntakeSettings
from services.intake.stats.router import router as stats_router
from shared.app import ServiceSpec, create_app
from shared.calendar_store import calendar_router
from shared.messaging.subscriptions import Subscriptions

app = create_app(
    ServiceSpec(
        name="intake",
        settings_factory=IntakeSettings,
        routers=[
            complaints_router,
            attachments_router,
            returns_router,
            reports_router,
            stats_router,
            # CMP-3: the State Council's holidays and make-up days for a year not yet in the library.
            calendar_router(writers=CALENDAR_KEEPERS, readers=COMPLAINT_READERS),
        ],
        subscriptions=Subscriptions.of(customer_subscriptions, complaint_subscriptions),
        scrape_refresh=(refresh_overdue, "overdue"),
    )
)
