"""All SQL of the durable timers: planned once per (rule, subject, occasion), claimed with SKIP LOCKED."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import cast, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.timers.models import Timer
from services.notify.timers.rules import Planned


async def plan(session: AsyncSession, planned: list[Planned]) -> None:
    """A timer planned again (a redelivered event, the next tick's month plan) stays as it is: fired,
    cancelled or pending."""
    if not planned:
        return
    rows = [
        {"rule": p.rule, "subject": p.subject, "occasion": p.occasion, "due_at": p.due_at, "params": p.params}
        for p in sorted(planned, key=lambda p: (p.rule, p.subject, p.occasion))
    ]
    await session.execute(insert(Timer).values(rows).on_conflict_do_nothing(constraint="uq_timers_occasion"))


async def cancel(session: AsyncSession, subject: str, rules: list[str]) -> None:
    if not rules:
        return
    await session.execute(
        update(Timer)
        .where(Timer.subject == subject, Timer.rule.in_(rules), Timer.status == "pending")
        .values(status="cancelled", done_at=func.now())
    )


async def retarget(session: AsyncSession, subject: str, rules: list[str], params: dict[str, Any]) -> None:
    """The pending timers of ``subject`` will tell with these parameters changed (a new recipient)."""
    await session.execute(
        update(Timer)
        .where(Timer.subject == subject, Timer.rule.in_(rules), Timer.status == "pending")
        .values(params=Timer.params.op("||")(cast(params, JSONB)))
    )


async def claim_due(session: AsyncSession, now: datetime, limit: int) -> list[Timer]:
    """Due timers no other replica holds: each is locked until this transaction ends, then fired."""
    query = (
        select(Timer)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.scalars(query)).all())


async def mark_fired(session: AsyncSession, ids: list[int]) -> None:
    if ids:
        await session.execute(update(Timer).where(Timer.id.in_(ids)).values(status="fired", done_at=func.now()))


async def postpone(session: AsyncSession, timer_id: int, by: timedelta) -> None:
    await session.execute(update(Timer).where(Timer.id == timer_id).values(due_at=Timer.due_at + by))
