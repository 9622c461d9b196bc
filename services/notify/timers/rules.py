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
# CRM-5: a visit needs an appointment and a journey, so its visitor hears of it with three working days
# left (the afternoon of the 3rd-last working day up to its due day), not on the due day itself, which is
# the month's last day and often a weekend or holiday. Overdue is told at the start of the next working day.
VISIT_WORKING_DAYS_LEFT = 3
VISIT_REMINDER_TIME = REMINDER_TIME
VISIT_OVERDUE_TIME = MONTHLY_TIME


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


def nth_last_working_day(calendar: WorkingCalendar, up_to: date, n: int) -> date:
    """The n-th working day counted back from ``up_to`` (itself the 1st if it is a working day)."""
    day, found = up_to, 0
    while True:
        if calendar.is_workday(day) is not None:
            found += 1
            if found == n:
                return day
        day -= timedelta(days=1)


def visit_timers(plan_id: str, params: dict[str, Any], due_on: date, calendar: WorkingCalendar) -> list[Planned]:
    """CRM-5: a planned visit's reminder to its visitor and, left undone, the overdue alert."""
    occasion = due_on.isoformat()
    step = {**params, "due_date": occasion}
    reminded_on = nth_last_working_day(calendar, due_on, VISIT_WORKING_DAYS_LEFT)
    overdue_on = calendar.add_working_days(due_on, 1).day
    return [
        Planned(rules.VISIT_DUE.id, plan_id, occasion, datetime.combine(reminded_on, VISIT_REMINDER_TIME, CHINA), step),
        Planned(
            rules.VISIT_OVERDUE.id, plan_id, occasion, datetime.combine(overdue_on, VISIT_OVERDUE_TIME, CHINA), step
        ),
    ]


VISIT_RULES = [rules.VISIT_DUE.id, rules.VISIT_OVERDUE.id]
