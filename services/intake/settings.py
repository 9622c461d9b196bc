from shared.attachments import AttachmentSettings
from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings, AttachmentSettings):
    service: str = "intake"
