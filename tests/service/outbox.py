"""What a service-layer test reads back of the outbox its session's service wrote, oldest first."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.tables import platform_tables


async def outbox_events(session: AsyncSession, key: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of each event in the outbox of the session's schema, or of those under ``key``."""
    outbox = platform_tables(session.info["schema"]).outbox
    query = select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id)
    if key is not None:
        query = query.where(outbox.c.key == key)
    return [(row.event_type, row.payload["data"]) for row in await session.execute(query)]


async def outbox_event_types(session: AsyncSession, key: str | None = None) -> list[str]:
    return [event_type for event_type, _ in await outbox_events(session, key)]
