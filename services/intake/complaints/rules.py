"""Complaint rules as pure code (CMP-2, CMP-3)."""

from dataclasses import dataclass
from datetime import date, datetime

from shared.workcalendar import WorkingCalendar


@dataclass(frozen=True)
class Deadlines:
    investigate_by: datetime
    reply_by: datetime
    calendar_estimated: bool


def sla_deadlines(received_at: datetime, calendar: WorkingCalendar) -> Deadlines:
    """CMP-3: investigation by the end of the 1st working day after the local date of receipt,
    reply by the end of the 2nd (客户服务投诉管理制度 §五)."""
    received_on = calendar.local_date(received_at)
    first = calendar.add_working_days(received_on, 1)
    second = calendar.add_working_days(received_on, 2)
    return Deadlines(first.end_in_china(), second.end_in_china(), first.estimated or second.estimated)


def complaint_number(day: date, sequence: int) -> str:
    """CMP-2: the human-readable 备案编号, e.g. ``TS-20261124-0007``."""
    return f"TS-{day:%Y%m%d}-{sequence:04d}"
