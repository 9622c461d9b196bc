"""Sanctions: clause catalog, notices, monthly summaries, supplier deductions (SPEC §5). The only wiring."""

from services.sanctions.settings import SanctionsSettings
from shared.app import ServiceSpec, create_app

app = create_app(ServiceSpec(name="sanctions", title="QMS sanctions", settings_factory=SanctionsSettings))
