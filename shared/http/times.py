"""Times and dates on the wire (SPEC §8: times ISO 8601 with an offset, dates ``YYYY-MM-DD``).

People of this company read China time, so every time a service answers with carries +08:00, and a
time sent without an offset is read as China time (Asia/Shanghai), not refused and not taken for UTC.
Numbers are neither times nor dates here (pydantic would read ``0.5`` as a Unix timestamp): the schema
says ``date-time`` and ``date``, and that is what is accepted."""

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from shared.workcalendar import CHINA

ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def in_china_time(moment: datetime) -> datetime:
    """The same instant on the China clock; a moment without an offset is taken as China time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA)
    try:
        return moment.astimezone(CHINA)
    except OverflowError:
        # 9999-12-31T23:00-05:00 is in year 10000 on the China clock: no datetime holds it.
        raise ValueError("the time lies beyond the years a date can hold once read as China time") from None


def iso_date_time(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE_TIME.match(value):
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-24T09:30:00+08:00")
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 date-time such as 2026-11-24T09:30:00+08:00, not a number")
    return value


def iso_date(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("expected a date as YYYY-MM-DD, not a number")
    return value


# In and out: an answer reads the same instant on the China clock whichever offset it was written
# with, and input without an offset is the China clock on the wall (a desk in Hangzhou, not UTC).
ChinaTime = Annotated[datetime, BeforeValidator(iso_date_time), AfterValidator(in_china_time)]

Day = Annotated[date, BeforeValidator(iso_date)]
