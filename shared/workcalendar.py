"""The mainland-China working-day calendar (SPEC preamble): statutory holidays and make-up days.

Years the maintained library knows come from it; a year loaded through an API (the State Council
publishes each year late in the year before) overrides it; any other year counts Monday–Friday and
everything computed from it is marked ``estimated``. Nothing fails for want of a year's data.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class YearCalendar:
    """A year's exceptions to Monday–Friday: holidays on weekdays, make-up working days on weekends."""

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class WorkingDay:
    day: date
    estimated: bool

    def end_in_china(self) -> datetime:
        """The last moment of that day in Asia/Shanghai: the deadline a person reads as 'that day'."""
        return datetime.combine(self.day, time(23, 59, 59), tzinfo=CHINA)


# The library's tables are fixed for the life of the process and every complaint's deadlines ask
# them about the same few weeks: answered once per year and per day.
@cache
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def _library_workday(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))


@cache
def library_year(year: int) -> YearCalendar | None:
    """The statutory holidays and make-up working days the library knows for ``year``, or None."""
    if not _library_knows(year):
        return None
    return YearCalendar(
        year,
        frozenset(day for day in chinese_calendar.holidays if day.year == year),
        frozenset(day for day in chinese_calendar.workdays if day.year == year and day.weekday() >= 5),
    )


class WorkingCalendar:
    def __init__(self, loaded: Mapping[int, YearCalendar] | None = None) -> None:
        self.loaded = dict(loaded or {})

    def knows(self, year: int) -> bool:
        return year in self.loaded or _library_knows(year)

    def is_workday(self, day: date) -> WorkingDay | None:
        """The day itself if it is a working day, else None; ``estimated`` when the year is unknown."""
        if day.year in self.loaded:
            return WorkingDay(day, False) if self.loaded[day.year].is_workday(day) else None
        if _library_knows(day.year):
            return WorkingDay(day, False) if _library_workday(day) else None
        return WorkingDay(day, True) if day.weekday() < 5 else None

    def add_working_days(self, start: date, count: int) -> WorkingDay:
        """The ``count``-th working day strictly after ``start`` (count ≥ 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, found, estimated = start, 0, False
        while found < count:
            day += timedelta(days=1)
            estimated = estimated or not self.knows(day.year)
            if self.is_workday(day) is not None:
                found += 1
        return WorkingDay(day, estimated)

    def nth_working_day_of_month(self, year: int, month: int, n: int) -> WorkingDay:
        """The n-th working day of a month (CRM-6: statements by the 3rd, sign-off by the 8th…)."""
        first = date(year, month, 1)
        if self.is_workday(first) is not None:
            if n == 1:
                return WorkingDay(first, not self.knows(year))
            found = self.add_working_days(first, n - 1)
        else:
            found = self.add_working_days(first, n)
        return WorkingDay(found.day, found.estimated or not self.knows(year))

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(CHINA).date()
