from sqlalchemy import Index

from services.crm.models import Base
from shared.attachments import AttachmentRecord


class Attachment(AttachmentRecord, Base):
    """ATT-1: the metadata of a photo or document on a fee statement (receipts, the signed 统计表)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)
