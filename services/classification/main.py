"""Classification: incidents, thresholds, aggregates, 归零 closure (SPEC §4). The only wiring."""

from services.classification.incidents.handlers import subscriptions as incident_subscriptions
from services.classification.incidents.router import router as incidents_router
from services.classification.settings import ClassificationSettings
from shared.app import ServiceSpec, create_app
from shared.consumer import Subscriptions

subscriptions = Subscriptions()
subscriptions.include(incident_subscriptions)

app = create_app(
    ServiceSpec(
        name="classification",
        title="QMS classification",
        settings_factory=ClassificationSettings,
        routers=[incidents_router],
        subscriptions=subscriptions,
    )
)
