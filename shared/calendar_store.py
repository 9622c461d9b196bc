"""Working-day calendar years loaded through the API, one calendar for the whole system.

The State Council publishes each year's holidays late in the year before; until a year is loaded
(or the maintained library knows it) deadlines are computed Monday–Friday and marked estimated.
One service owns the calendar (intake: ``PUT /v1/calendar/{year}``) and publishes every year it loads
(``qms.intake.calendar.year_loaded.v1``); every other service that counts working days keeps the same
table in its own schema, filled from that event (``keep_year``), and serves the calendar read-only.
"""

import time
from datetime import UTC, date, datetime
from functools import cache

from alembic import op
from fastapi import APIRouter, Depends, Path
from pydantic import Field
from sqlalchemy import ARRAY, Column, Date, DateTime, Integer, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles
from shared.db import service_metadata
from shared.errors import unprocessable
from shared.events import Envelope
from shared.events.calendar import CalendarYearLoadedV1
from shared.messaging.outbox import add_event
from shared.messaging.subscriptions import Subscriptions
from shared.schemas import Strict
from shared.workcalendar import WorkingCalendar, YearCalendar, library_year


@cache
def calendar_table(schema: str) -> Table:
    return Table(
        "calendar_years",
        service_metadata(schema),
        Column("year", Integer, primary_key=True),
        Column("holidays", ARRAY(Date), nullable=False),
        Column("makeup_workdays", ARRAY(Date), nullable=False),
        Column("loaded_by", String(200), nullable=False),
        Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def create_calendar_table(schema: str) -> None:
    """For a service's migration."""
    calendar_table(schema).create(op.get_bind())


class YearIn(Strict):
    holidays: list[date] = Field(max_length=366)
    makeup_workdays: list[date] = Field(default_factory=list, max_length=366)


class YearOut(YearIn):
    year: int
    # "loaded" (through the API), "library" (the days the maintained library knows), or "estimated"
    # (neither: Monday–Friday, nothing listed).
    source: str
    loaded_by: str | None = None
    loaded_at: datetime | None = None


def _check_year(year: int, body: YearIn) -> None:
    stray = [d for d in [*body.holidays, *body.makeup_workdays] if d.year != year]
    if stray:
        raise ValueError(f"dates outside {year}: {', '.join(d.isoformat() for d in stray[:5])}")
    both = set(body.holidays) & set(body.makeup_workdays)
    if both:
        raise ValueError(f"a day cannot be both holiday and make-up day: {sorted(both)[0].isoformat()}")


# Every complaint needs the calendar, which changes a few times a year: read it at most this often.
# A year loaded on another replica is seen within this window; on this one, at once.
CALENDAR_TTL_S = 10.0
_cached: dict[str, tuple[float, WorkingCalendar]] = {}


async def load_calendar(session: AsyncSession) -> WorkingCalendar:
    schema = session.info["schema"]
    cached = _cached.get(schema)
    if cached is not None and time.monotonic() - cached[0] < CALENDAR_TTL_S:
        return cached[1]
    table = calendar_table(schema)
    rows = (await session.execute(select(table.c.year, table.c.holidays, table.c.makeup_workdays))).all()
    calendar = WorkingCalendar(
        {row.year: YearCalendar(row.year, frozenset(row.holidays), frozenset(row.makeup_workdays)) for row in rows}
    )
    _cached[schema] = (time.monotonic(), calendar)
    return calendar


async def _store_year(session: AsyncSession, year: int, body: YearIn, loaded_by: str, loaded_at: datetime) -> None:
    table = calendar_table(session.info["schema"])
    values = {
        "holidays": sorted(set(body.holidays)),
        "makeup_workdays": sorted(set(body.makeup_workdays)),
        "loaded_by": loaded_by,
        "loaded_at": loaded_at,
    }
    await session.execute(
        insert(table).values(year=year, **values).on_conflict_do_update(index_elements=["year"], set_=values)
    )


async def keep_year(session: AsyncSession, loaded: CalendarYearLoadedV1) -> None:
    """A service's copy of a year the calendar's owner loaded (the event replaces the year whole)."""
    body = YearIn(holidays=loaded.holidays, makeup_workdays=loaded.makeup_workdays)
    await _store_year(session, loaded.year, body, loaded.loaded_by, loaded.loaded_at)
    _cached.pop(session.info["schema"], None)


def calendar_copy_subscriptions() -> Subscriptions:
    """What a service that counts working days but does not own the calendar consumes: intake's
    loaded years, kept in its own copy, so the whole system counts on one calendar."""
    subscriptions = Subscriptions()

    @subscriptions.on(CalendarYearLoadedV1)
    async def on_calendar_year_loaded(session: AsyncSession, _: Envelope, loaded: CalendarYearLoadedV1) -> None:
        await keep_year(session, loaded)

    return subscriptions


def _year_out(year: int, calendar: WorkingCalendar) -> YearOut:
    if year in calendar.loaded:
        loaded = calendar.loaded[year]
        return YearOut(
            year=year, source="loaded", holidays=sorted(loaded.holidays), makeup_workdays=sorted(loaded.makeup_workdays)
        )
    known = library_year(year)
    if known is not None:
        return YearOut(
            year=year, source="library", holidays=sorted(known.holidays), makeup_workdays=sorted(known.makeup_workdays)
        )
    return YearOut(year=year, source="estimated", holidays=[], makeup_workdays=[])


def calendar_router(*, readers: tuple[Role, ...], writers: tuple[Role, ...] = ()) -> APIRouter:
    """GET for ``readers``; PUT only in the calendar's owner (given ``writers``), which publishes the year."""
    router = APIRouter(prefix="/v1/calendar", tags=["calendar"])
    Year = Path(ge=2000, le=2100)

    if writers:

        @router.put("/{year}", response_model=YearOut)
        async def load_year(
            body: YearIn,
            year: int = Year,
            principal: Principal = Depends(require_roles(*writers)),
            sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
        ) -> YearOut:
            """Loads (or replaces) a year's statutory holidays and make-up working days, for every service."""
            try:
                _check_year(year, body)
            except ValueError as exc:
                raise unprocessable("invalid_calendar", str(exc)) from None
            loaded_at = datetime.now(UTC)
            async with sessions() as session, session.begin():
                await _store_year(session, year, body, principal.sub, loaded_at)
                await add_event(
                    session,
                    CalendarYearLoadedV1(
                        year=year,
                        holidays=sorted(set(body.holidays)),
                        makeup_workdays=sorted(set(body.makeup_workdays)),
                        loaded_by=principal.sub,
                        loaded_at=loaded_at,
                    ),
                )
                schema = session.info["schema"]
            _cached.pop(schema, None)
            return YearOut(
                year=year, source="loaded", loaded_by=principal.sub, loaded_at=loaded_at, **body.model_dump()
            )

    @router.get("/{year}", response_model=YearOut)
    async def get_year(
        year: int = Year,
        _: Principal = Depends(require_roles(*readers)),
        sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    ) -> YearOut:
        """The year's holidays and make-up working days, loaded or from the library (``source``)."""
        async with sessions() as session:
            calendar = await load_calendar(session)
        return _year_out(year, calendar)

    return router
