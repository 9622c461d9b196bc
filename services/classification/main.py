"""Classification: incidents, thresholds, aggregates, 归零 closure (SPEC §4). The only wiring."""

from services.classification.attachments.router import router as attachments_router
from services.classification.incidents.handlers import subscriptions as incident_subscriptions
from services.classification.incidents.router import router as incidents_router
from services.classification.levels.router import router as levels_router
from services.classification.metrics import refresh_open_incidents
from services.classification.returns.handlers import subscriptions as returns_subscriptions
from services.classification.returns.router import router as returns_router
from services.classification.settings import ClassificationSettings
from services.classification.stats.router import router as stats_router
from services.classification.suppliers.router import router as suppliers_router
from services.classification.zeroing.router import router as zeroing_router
from shared.app import ServiceSpec, create_app
from shared.messaging.subscriptions import Subscriptions

app = create_app(
    ServiceSpec(
        name="classification",
        settings_factory=ClassificationSettings,
        routers=[
            incidents_router,
            zeroing_router,
            attachments_router,
            suppliers_router,
            levels_router,
            returns_router,
            stats_router,
        ],
        subscriptions=Subscriptions.of(incident_subscriptions, returns_subscriptions),
        scrape_refresh=(refresh_open_incidents, "open-incidents"),
    )
)
