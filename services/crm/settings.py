from shared.settings import ServiceSettings


class CrmSettings(ServiceSettings):
    service: str = "crm"
