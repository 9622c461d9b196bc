"""The service's one clock: timers fall due by it. Outside production it can be set (NTF-3 tests move a
day forward without waiting a day); set, it keeps running from the moment it was set to. Unset, it is
``shared.clock.now()``, the time every service reads."""

from datetime import datetime, timedelta

from shared import clock


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return clock.now() + self.offset

    def set(self, moment: datetime) -> datetime:
        self.offset = moment - clock.now()
        return self.now()

    @property
    def controlled(self) -> bool:
        return self.offset != timedelta(0)
