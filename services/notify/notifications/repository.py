"""All SQL of the inbox: notifications, one per (rule, subject, recipient, occasion)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications.models import Notification
from shared.http.pagination import Keyset


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


def _flag(value: str) -> bool:
    if value not in ("True", "False"):
        raise ValueError("not a flag")
    return value == "True"


# Unread first, then newest first: the cursor is the keyset (unread?, created_at, id) of the last one.
KEYSET = Keyset(
    (Notification.unread, Notification.created_at, Notification.id), (_flag, datetime.fromisoformat, uuid.UUID)
)


def inbox(recipient: str, unread_only: bool) -> Select[Notification]:
    query = select(Notification).where(Notification.recipient == recipient)
    return query.where(Notification.read_at.is_(None)) if unread_only else query


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
