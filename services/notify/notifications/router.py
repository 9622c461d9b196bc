"""The caller's own inbox (HTTP only; NTF-4): anyone signed in, each sees only what was sent to their sub."""

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.notifications import repository
from services.notify.notifications.models import Notification
from services.notify.notifications.schemas import NotificationOut, NotificationPage
from shared.app import sessions_of
from shared.auth import Principal, Role, current_principal
from shared.errors import not_found
from shared.http.pagination import decode_keyset, encode_cursor

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


async def signed_in(principal: Principal = Depends(current_principal)) -> Principal:
    """An inbox belongs to a person, whatever their roles: any valid token reads its own."""
    return principal


signed_in.roles = tuple(Role)  # type: ignore[attr-defined]  # every role: read by the authorization tests


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut.model_validate(notification, from_attributes=True)


def _parse_read(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a flag")
    return value


@router.get("", response_model=NotificationPage, responses={400: {"description": "invalid cursor"}})
async def list_notifications(
    unread: bool = Query(False, description="only the unread ones"),
    cursor: str | None = Query(None, max_length=500, pattern=r"^[A-Za-z0-9_-]*$"),
    limit: int = Query(50, ge=1, le=200),
    principal: Principal = Depends(signed_in),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NotificationPage:
    """The caller's notifications, unread first, newest first within each."""
    after = decode_keyset(cursor, _parse_read, datetime.fromisoformat, uuid.UUID)
    async with sessions() as session:
        found = await repository.page_of(session, principal.sub, after, limit + 1, unread)
        unread_count = await repository.unread_count(session, principal.sub)
    page, more = found[:limit], len(found) > limit
    last = page[-1] if page else None
    next_cursor = (
        encode_cursor([last.read_at is not None, last.created_at.isoformat(), str(last.id)]) if more and last else None
    )
    return NotificationPage(items=[_out(n) for n in page], unread=unread_count, next_cursor=next_cursor)


@router.post("/{notification_id}/read", response_model=NotificationOut, responses={404: {"description": "not yours"}})
async def mark_read(
    notification_id: uuid.UUID,
    principal: Principal = Depends(signed_in),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> NotificationOut:
    """Marks one of the caller's notifications read (again: unchanged); another person's is a 404."""
    async with sessions() as session, session.begin():
        notification = await repository.mark_read(session, notification_id, principal.sub)
    if notification is None:
        raise not_found("notification", str(notification_id))
    return _out(notification)
