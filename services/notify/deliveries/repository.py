"""All SQL of deliveries: an outbox of channel sends, claimed with SKIP LOCKED under a lease."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.deliveries.models import Delivery
from shared.http.pagination import Keyset


@dataclass(frozen=True)
class Claimed:
    id: int
    notification_id: uuid.UUID
    channel: str
    target: str | None
    attempts: int
    title: str
    body: str


async def add(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        statement = upsert(Delivery).values(rows)
        await session.execute(statement.on_conflict_do_nothing(constraint="uq_deliveries_notification_channel"))


# A claim holds a delivery for the lease, committed before anything is sent: a replica killed mid-send
# leaves it to be claimed again once the lease runs out (at least once to the channel).
_CLAIM = text(
    """
    UPDATE notify.deliveries AS d
    SET attempts = d.attempts + 1, claimed_until = now() + make_interval(secs => :lease_s)
    FROM notify.notifications AS n
    WHERE n.id = d.notification_id AND d.id IN (
        SELECT id FROM notify.deliveries
        WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY next_attempt_at, id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    )
    RETURNING d.id, d.notification_id, d.channel, d.target, d.attempts, n.title, n.body
    """
)


async def claim(session: AsyncSession, limit: int, lease_s: float) -> list[Claimed]:
    rows = await session.execute(_CLAIM, {"limit": limit, "lease_s": lease_s})
    return [Claimed(**row._mapping) for row in rows]


async def sent(session: AsyncSession, delivery_id: int) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status="sent", sent_at=func.now(), claimed_until=None, last_error=None)
    )


async def retry_later(session: AsyncSession, delivery_id: int, error: str, delay_s: float) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, delay_s),
            claimed_until=None,
            last_error=error[:2000],
        )
    )


async def failed(session: AsyncSession, delivery_id: int, error: str) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status="failed", claimed_until=None, last_error=error[:2000])
    )


# In the order they were made, oldest first.
KEYSET = Keyset((Delivery.id,), (int,), ascending=True)


def search(status: str | None) -> Select[Delivery]:
    query = select(Delivery)
    return query if status is None else query.where(Delivery.status == status)


async def retry_now(session: AsyncSession, delivery_id: int) -> Delivery | None:
    """A failed delivery back in the queue with a fresh count of attempts; None if it is not failed."""
    statement = (
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=func.now(), claimed_until=None)
        .returning(Delivery)
    )
    return (await session.scalars(statement, execution_options={"populate_existing": True})).one_or_none()


async def get(session: AsyncSession, delivery_id: int) -> Delivery | None:
    return await session.get(Delivery, delivery_id)


async def counts_by_channel(session: AsyncSession) -> dict[tuple[str, str], int]:
    query = (
        select(Delivery.channel, Delivery.status, func.count())
        .where(Delivery.status.in_(("pending", "failed")))
        .group_by(Delivery.channel, Delivery.status)
    )
    return {(channel, status): int(count) for channel, status, count in await session.execute(query)}
