from sqlalchemy import Index

from services.classification.models import Base
from shared.attachments import AttachmentRecord


class Attachment(AttachmentRecord, Base):
    """ATT-1: the metadata of a photo or document on an incident (归零 evidence, emergency steps)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)
