"""Attachment rows of the intake schema (all SQL)."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.attachments.models import Attachment


async def insert(session: AsyncSession, columns: dict[str, Any]) -> Attachment:
    attachment = Attachment(**columns)
    session.add(attachment)
    await session.flush()
    await session.refresh(attachment)
    return attachment


async def get(session: AsyncSession, attachment_id: uuid.UUID) -> Attachment | None:
    return await session.get(Attachment, attachment_id)


async def get_for_update(session: AsyncSession, attachment_id: uuid.UUID) -> Attachment | None:
    """Locks the row: two replacements of one attachment cannot both win."""
    return await session.scalar(select(Attachment).where(Attachment.id == attachment_id).with_for_update())


async def of_owner(session: AsyncSession, owner_kind: str, owner_id: str, include_replaced: bool) -> list[Attachment]:
    query = select(Attachment).where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
    if not include_replaced:
        query = query.where(Attachment.replaced_by.is_(None))
    return list(await session.scalars(query.order_by(Attachment.uploaded_at, Attachment.id)))
