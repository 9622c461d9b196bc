"""Sanctions: clause catalog, notices, monthly summaries, supplier deductions (SPEC §5). The only wiring."""

from services.sanctions.attachments.router import router as attachments_router
from services.sanctions.clauses.router import router as clauses_router
from services.sanctions.deductions.handlers import subscriptions as deduction_subscriptions
from services.sanctions.deductions.router import router as deductions_router
from services.sanctions.notices.handlers import subscriptions as notice_subscriptions
from services.sanctions.notices.router import router as notices_router
from services.sanctions.notices.router import violations as violations_router
from services.sanctions.settings import SanctionsSettings
from services.sanctions.stats.router import router as stats_router
from services.sanctions.summaries.router import router as summaries_router
from shared.app import ServiceSpec, create_app
from shared.messaging.subscriptions import Subscriptions

app = create_app(
    ServiceSpec(
        name="sanctions",
        settings_factory=SanctionsSettings,
        routers=[
            clauses_router,
            violations_router,
            notices_router,
            attachments_router,
            summaries_router,
            stats_router,
            deductions_router,
        ],
        subscriptions=Subscriptions.of(notice_subscriptions, deduction_subscriptions),
    )
)
