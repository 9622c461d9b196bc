"""When the timers of NTF-1 fall due, on the working-day calendar in China time (pure code, no I/O)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from services.notify.notifications import rules
from shared.workcalendar import CHINA, WorkingCalendar

REMINDER_TIME = time(14, 0)  # a step due today: reminded at 14:00 China time, with the afternoon left
MONTHLY_TIME = time(9, 0)  # CRM-6 reminders: at the start of that working day
# CRM-6: statements by the 3rd working day, sign-offs by the 8th, paid from the 9th.
STATEMENT_WORKING_DAY, STATEMENT_DUE_BY = 1, 3
SIGN_OFF_WORKING_DAY, SIGN_OFF_DUE_BY = 6, 8
PAYABLE_WORKING_DAY = 9


@dataclass(frozen=True)
class Planned:
    rule: str
    subject: str
    occasion: str
    due_at: datetime
    params: dict[str, Any]


def reminder_at(deadline: datetime) -> datetime:
    """14:00 China time of the deadline's own (working) day."""
    return datetime.combine(deadline.astimezone(CHINA).date(), REMINDER_TIME, tzinfo=CHINA)


def overdue_at(deadline: datetime) -> datetime:
    """The first moment after the deadline."""
    return deadline + timedelta(seconds=1)


def complaint_timers(
    complaint_id: str, params: dict[str, Any], investigate_by: datetime, reply_by: datetime
) -> list[Planned]:
    """CMP-3's two steps, each reminded on its day and alerted once overdue."""
    planned = []
    for deadline, due_rule, overdue_rule in (
        (investigate_by, rules.INVESTIGATE_DUE, rules.INVESTIGATE_OVERDUE),
        (reply_by, rules.REPLY_DUE, rules.REPLY_OVERDUE),
    ):
        occasion = deadline.astimezone(CHINA).date().isoformat()
        step = {**params, "due_date": occasion}
        planned.append(Planned(due_rule.id, complaint_id, occasion, reminder_at(deadline), step))
        planned.append(Planned(overdue_rule.id, complaint_id, occasion, overdue_at(deadline), step))
    return planned


# CMP-4: the status a complaint reaches ends these reminders.
ENDS = {
    "investigating": (rules.INVESTIGATE_DUE, rules.INVESTIGATE_OVERDUE),
    "replied": (rules.INVESTIGATE_DUE, rules.INVESTIGATE_OVERDUE, rules.REPLY_DUE, rules.REPLY_OVERDUE),
}
for _status in ("visited", "closed", "rejected"):
    ENDS[_status] = ENDS["replied"]


def ended_by(status: str) -> list[str]:
    return [rule.id for rule in ENDS.get(status, ())]


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def fee_timers(month: date, calendar: WorkingCalendar) -> list[Planned]:
    """CRM-6 reminders falling in ``month``, about the statements of the month before it."""
    statements = previous_month(month).strftime("%Y-%m")
    subject = f"fees:{statements}"

    def working_day(n: int) -> date:
        return calendar.nth_working_day_of_month(month.year, month.month, n).day

    def at(n: int) -> datetime:
        return datetime.combine(working_day(n), MONTHLY_TIME, tzinfo=CHINA)

    return [
        Planned(
            rules.STATEMENT_DUE.id,
            subject,
            "",
            at(STATEMENT_WORKING_DAY),
            {"month": statements, "due_date": working_day(STATEMENT_DUE_BY).isoformat()},
        ),
        Planned(
            rules.SIGN_OFF_DUE.id,
            subject,
            "",
            at(SIGN_OFF_WORKING_DAY),
            {"month": statements, "due_date": working_day(SIGN_OFF_DUE_BY).isoformat()},
        ),
        Planned(
            rules.PAYABLE.id,
            subject,
            "",
            at(PAYABLE_WORKING_DAY),
            {"month": statements, "due_date": working_day(PAYABLE_WORKING_DAY).isoformat()},
        ),
    ]


def months_to_plan(now: datetime) -> list[date]:
    """The month of ``now`` in China and the next one: their reminders are planned ahead."""
    this = now.astimezone(CHINA).date().replace(day=1)
    following = (this + timedelta(days=32)).replace(day=1)
    return [this, following]


def upcoming(planned: list[Planned], now: datetime) -> list[Planned]:
    """Monthly reminders whose moment had passed when their month was planned are not sent late."""
    return [timer for timer in planned if timer.due_at > now]
