from shared.settings import ServiceSettings


class ClassificationSettings(ServiceSettings):
    service: str = "classification"
