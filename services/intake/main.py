"""Intake: complaints, ERP returns, shop-floor reports (SPEC §2, §3). The only wiring."""

from services.intake.complaints.router import router as complaints_router
from services.intake.settings import IntakeSettings
from shared.app import ServiceSpec, create_app

app = create_app(
    ServiceSpec(
        name="intake",
        title="QMS intake",
        settings_factory=IntakeSettings,
        routers=[complaints_router],
    )
)
