"""The timers' decisions: what to plan for a complaint or a month, what a step ends, what is due now."""

import logging
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.notify.notifications import service as notifications
from services.notify.notifications.rules import RULES, SIGN_OFF_DUE
from services.notify.statements import repository as statements
from services.notify.timers import repository, rules
from services.notify.timers.models import Timer
from shared.workcalendar import WorkingCalendar

log = logging.getLogger("qms.notify")

RETRY_FAILED_TIMER = timedelta(minutes=1)


async def plan_complaint(
    session: AsyncSession, complaint_id: str, params: dict[str, Any], investigate_by: datetime, reply_by: datetime
) -> None:
    await repository.plan(session, rules.complaint_timers(complaint_id, params, investigate_by, reply_by))


async def step_done(session: AsyncSession, complaint_id: str, status: str) -> None:
    await repository.cancel(session, complaint_id, rules.ended_by(status))


async def plan_visit(
    session: AsyncSession, plan_id: str, params: dict[str, Any], due_on: date, calendar: WorkingCalendar
) -> None:
    await repository.plan(session, rules.visit_timers(plan_id, params, due_on, calendar))


async def visit_recorded(session: AsyncSession, plan_id: str) -> None:
    await repository.cancel(session, plan_id, rules.VISIT_RULES)


async def visit_reassigned(session: AsyncSession, plan_id: str, visitor: str | None) -> None:
    """NTF-1: a customer reassigned moves its open visit's reminders to the new visitor."""
    await repository.retarget(session, plan_id, rules.VISIT_RULES, {"visitor": visitor})


async def occasion_params(session: AsyncSession, timer: Timer) -> dict[str, Any] | None:
    """What a timer tells with, judged when it fires; None when nobody is to hear of it any more.

    CRM-6: the 6th working day's reminder names only the steps still pending on a statement of the
    month, and is not sent when none pend."""
    if timer.rule != SIGN_OFF_DUE.id:
        return timer.params
    pending = await statements.pending_steps_of(session, timer.params["month"])
    return {**timer.params, "pending_steps": pending} if pending else None


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
                params = await occasion_params(session, timer)
                if params is not None:
                    await notifications.tell(session, RULES[timer.rule], timer.subject, timer.occasion, params)
        except Exception:
            # One timer that cannot fire must not hold up the others: it is tried again a little later.
            log.exception("timer %s (%s for %s) failed; trying again later", timer.id, timer.rule, timer.subject)
            await repository.postpone(session, timer.id, RETRY_FAILED_TIMER)
            continue
        fired.append(timer.id)
    await repository.mark_fired(session, fired)
    return len(due)
