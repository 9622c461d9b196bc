"""All SQL of the inbox: notifications, one per (rule, subject, recipient, occasion)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications.models import Notification


async def insert_new(session: AsyncSession, rows: list[dict[str, Any]]) -> list[tuple[uuid.UUID, str]]:
    """Inserts the rows not there yet (NTF-3: the unique key drops a second one); returns (id, recipient)
    of those inserted."""
    if not rows:
        return []
    statement = (
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_notifications_occasion")
        .returning(Notification.id, Notification.recipient)
    )
    return [(row.id, row.recipient) for row in await session.execute(statement)]


async def page_of(
    session: AsyncSession, recipient: str, after: tuple[bool, datetime, uuid.UUID] | None, limit: int, unread_only: bool
) -> list[Notification]:
    """Unread first, then newest first; the cursor is the keyset (read?, created_at, id) of the last one."""
    is_read = Notification.read_at.is_not(None)
    query = select(Notification).where(Notification.recipient == recipient)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if after is not None:
        read, created_at, last_id = after
        # Unread before read, then newest first: after an unread one come the older unread and every read one.
        older = (Notification.created_at < created_at) | (
            (Notification.created_at == created_at) & (Notification.id < last_id)
        )
        if read:
            query = query.where(is_read, older)
        else:
            query = query.where(is_read | (Notification.read_at.is_(None) & older))
    query = query.order_by(is_read, Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def mark_read(session: AsyncSession, notification_id: uuid.UUID, recipient: str) -> Notification | None:
    """Marks the recipient's own notification read (the first time only); None if it is not theirs."""
    await session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.recipient == recipient,
            Notification.read_at.is_(None),
        )
        .values(read_at=func.now())
    )
    found = await session.scalars(
        select(Notification)
        .where(Notification.id == notification_id, Notification.recipient == recipient)
        .execution_options(populate_existing=True)
    )
    return found.one_or_none()


async def unread_count(session: AsyncSession, recipient: str) -> int:
    query = select(func.count()).where(Notification.recipient == recipient, Notification.read_at.is_(None))
    return int((await session.execute(query)).scalar_one())
