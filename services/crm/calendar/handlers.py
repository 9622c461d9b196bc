"""Intake's calendar years → crm's copy of the one working-day calendar (CRM-6 deadlines count on it)."""

from sqlalchemy.ext.asyncio import AsyncSession

from shared.calendar_store import keep_year
from shared.consumer import Subscriptions
from shared.events import Envelope
from shared.events.calendar import CalendarYearLoadedV1

subscriptions = Subscriptions()


@subscriptions.on(CalendarYearLoadedV1)
async def on_calendar_year_loaded(session: AsyncSession, _: Envelope, loaded: CalendarYearLoadedV1) -> None:
    await keep_year(session, loaded)
