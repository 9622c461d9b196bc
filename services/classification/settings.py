from shared.attachments import AttachmentSettings
from shared.settings import ServiceSettings


class ClassificationSettings(ServiceSettings, AttachmentSettings):
    service: str = "classification"
