from sqlalchemy import Index

from services.intake.models import Base
from shared.attachments import AttachmentRecord


class Attachment(AttachmentRecord, Base):
    """ATT-1: the metadata of a photo or document on an intake object; the bytes are in the store."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)
