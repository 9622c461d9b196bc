from datetime import datetime

from pydantic import field_validator

from shared.schemas import ChinaTime, Out, Strict

# The years the working-day calendar can be asked about (and any time in them shown in China time).
EARLIEST, LATEST = 2000, 2100


class ClockIn(Strict):
    now: ChinaTime

    @field_validator("now")
    @classmethod
    def within_the_calendar(cls, now: datetime) -> datetime:
        if not EARLIEST <= now.year <= LATEST:
            raise ValueError(f"the clock can be set between {EARLIEST} and {LATEST}")
        return now


class ClockOut(Out):
    now: ChinaTime
    controlled: bool
