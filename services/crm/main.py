"""CRM: customers, tiers, classes, visits, relationship fees (SPEC §6). The only wiring."""

from services.crm.settings import CrmSettings
from shared.app import ServiceSpec, create_app

app = create_app(ServiceSpec(name="crm", title="QMS crm", settings_factory=CrmSettings))
