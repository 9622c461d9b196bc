from shared.settings import ServiceSettings


class SanctionsSettings(ServiceSettings):
    service: str = "sanctions"
