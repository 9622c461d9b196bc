"""The working-day calendar's one event (SPEC preamble): intake owns the calendar and publishes each
year it loads; every other service that counts working days keeps its copy from this event."""

from datetime import date, datetime
from typing import ClassVar

from shared.events import topics
from shared.events.registry import EventData, register


@register
class CalendarYearLoadedV1(EventData):
    """A year's statutory holidays and make-up working days (调休), as loaded; it replaces the year whole."""

    TYPE: ClassVar[str] = "qms.intake.calendar.year_loaded.v1"
    TOPIC: ClassVar[str] = topics.CALENDAR
    SOURCE: ClassVar[str] = "intake"

    year: int
    holidays: list[date]
    makeup_workdays: list[date]
    loaded_by: str
    loaded_at: datetime

    def subject(self) -> str:
        return str(self.year)
