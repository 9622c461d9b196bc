"""Working-day calendar years loaded through the API, kept in the owning service's schema.

The State Council publishes each year's holidays late in the year before; until a year is loaded
(or the maintained library knows it) deadlines are computed Monday–Friday and marked estimated.
"""

import time
from datetime import date, datetime
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
from shared.http.problems import unprocessable
from shared.inputs import Strict
from shared.workcalendar import WorkingCalendar, YearCalendar


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


def calendar_router(writers: tuple[Role, ...], readers: tuple[Role, ...]) -> APIRouter:
    router = APIRouter(prefix="/v1/calendar", tags=["calendar"])
    Year = Path(ge=2000, le=2100)

    @router.put("/{year}", response_model=YearOut)
    async def load_year(
        body: YearIn,
        year: int = Year,
        principal: Principal = Depends(require_roles(*writers)),
        sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    ) -> YearOut:
        """Loads (or replaces) a year's statutory holidays and make-up working days."""
        try:
            _check_year(year, body)
        except ValueError as exc:
            raise unprocessable("invalid_calendar", str(exc)) from None
        async with sessions() as session, session.begin():
            table = calendar_table(session.info["schema"])
            values = {
                "holidays": sorted(set(body.holidays)),
                "makeup_workdays": sorted(set(body.makeup_workdays)),
                "loaded_by": principal.sub,
                "loaded_at": func.now(),
            }
            await session.execute(
                insert(table).values(year=year, **values).on_conflict_do_update(index_elements=["year"], set_=values)
            )
        _cached.pop(table.schema or "", None)
        return YearOut(year=year, source="loaded", loaded_by=principal.sub, **body.model_dump())

    @router.get("/{year}", response_model=YearOut)
    async def get_year(
        year: int = Year,
        _: Principal = Depends(require_roles(*readers)),
        sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
    ) -> YearOut:
        async with sessions() as session:
            calendar = await load_calendar(session)
        if year in calendar.loaded:
            loaded = calendar.loaded[year]
            return YearOut(
                year=year,
                source="loaded",
                holidays=sorted(loaded.holidays),
                makeup_workdays=sorted(loaded.makeup_workdays),
            )
        return YearOut(
            year=year,
            source="library" if calendar.knows(year) else "estimated",
            holidays=[],
            makeup_workdays=[],
        )

    return router
