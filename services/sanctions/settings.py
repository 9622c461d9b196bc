from shared.attachments import AttachmentSettings
from shared.settings import ServiceSettings


class SanctionsSettings(ServiceSettings, AttachmentSettings):
    service: str = "sanctions"
