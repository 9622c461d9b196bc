"""The caller's own inbox (HTTP only; NTF-4): anyone signed in, each sees only what was sent to their sub."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from services.notify.notifications import repository
from services.notify.notifications.models import Notification
from services.notify.notifications.schemas import InboxQuery, NotificationOut, NotificationPage
from shared.auth import Principal, Role, current_principal
from shared.errors import found
from shared.http.pagination import page_of
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


async def signed_in(principal: Principal = Depends(current_principal)) -> Principal:
    """An inbox belongs to a person, whatever their roles: any valid token reads its own."""
    return principal


signed_in.roles = tuple(Role)  # type: ignore[attr-defined]  # every role: read by the authorization tests
SignedIn = Annotated[Principal, Depends(signed_in)]


@router.get("", response_model=NotificationPage, responses={400: {"description": "invalid cursor"}})
async def list_notifications(
    session: ReadSession,
    principal: SignedIn,
    query: Annotated[InboxQuery, Query()],
) -> dict[str, Any]:
    """The caller's notifications, unread first, newest first within each."""
    page = await page_of(session, repository.inbox(principal.sub, query.unread), repository.KEYSET, query)
    count = await repository.unread_count(session, principal.sub)
    return {"items": page.items, "next_cursor": page.next_cursor, "unread": count}


@router.post("/{notification_id}/read", response_model=NotificationOut, responses={404: {"description": "not yours"}})
async def mark_read(notification_id: uuid.UUID, session: WriteSession, principal: SignedIn) -> Notification:
    """Marks one of the caller's notifications read (again: unchanged); another person's is a 404."""
    return found(await repository.mark_read(session, notification_id, principal.sub), "notification", notification_id)
