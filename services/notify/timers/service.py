"""The timers' decisions: what to plan for a complaint or a month, what a step ends, what is due now."""

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications import service as notifications
from services.notify.notifications.rules import RULES
from services.notify.timers import repository, rules
from shared.workcalendar import WorkingCalendar

log = logging.getLogger("qms.notify")

RETRY_FAILED_TIMER = timedelta(minutes=1)


async def plan_complaint(
    session: AsyncSession, complaint_id: str, params: dict[str, Any], investigate_by: datetime, reply_by: datetime
) -> None:
    await repository.plan(session, rules.complaint_timers(complaint_id, params, investigate_by, reply_by))


async def step_done(session: AsyncSession, complaint_id: str, status: str) -> None:
    await repository.cancel(session, complaint_id, rules.ended_by(status))


async def plan_months(session: AsyncSession, now: datetime, calendar: WorkingCalendar) -> None:
    planned = [timer for month in rules.months_to_plan(now) for timer in rules.fee_timers(month, calendar)]
    await repository.plan(session, rules.upcoming(planned, now))


async def fire_due(session: AsyncSession, now: datetime, limit: int) -> int:
    """Fires the timers due by ``now`` that this replica could claim; returns how many."""
    due = await repository.claim_due(session, now, limit)
    fired = []
    for timer in due:
        try:
            async with session.begin_nested():
                await notifications.tell(session, RULES[timer.rule], timer.subject, timer.occasion, timer.params)
        except Exception:
            # One timer that cannot fire must not hold up the others: it is tried again a little later.
            log.exception("timer %s (%s for %s) failed; trying again later", timer.id, timer.rule, timer.subject)
            await repository.postpone(session, timer.id, RETRY_FAILED_TIMER)
            continue
        fired.append(timer.id)
    await repository.mark_fired(session, fired)
    return len(due)
