from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service: str = "intake"
