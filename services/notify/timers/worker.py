"""The timer loop: plans the monthly reminders and fires what is due by the service's clock."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notify.clock.rules import Clock
from services.notify.settings import NotifySettings
from services.notify.timers import service
from shared.calendar_store import load_calendar
from shared.observability import counted_on_commit
from shared.worker import PollingWorker

TIMERS_PER_TRANSACTION = 100


def timer_worker(sessions: async_sessionmaker[AsyncSession], clock: Clock, settings: NotifySettings) -> PollingWorker:
    async def step() -> bool:
        now = clock.now()
        with counted_on_commit():
            async with sessions() as session, session.begin():
                await service.plan_months(session, now, await load_calendar(session))
                fired = await service.fire_due(session, now, TIMERS_PER_TRANSACTION)
        return fired == TIMERS_PER_TRANSACTION

    return PollingWorker("notify-timers", step, settings.notify_timer_poll_s)
