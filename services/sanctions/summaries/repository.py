"""All SQL of monthly summaries."""

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.summaries.models import ClosedMonth, SummaryLine


async def lock_months(session: AsyncSession, *, exclusive: bool) -> None:
    """Closing a month waits for notices being issued or stamped, and they wait for a close (SAN-5)."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(text(f"SELECT {function}(hashtextextended('sanctions:months', 0))"))


async def closed_from(session: AsyncSession, month: str) -> set[str]:
    rows = await session.scalars(select(ClosedMonth.month).where(ClosedMonth.month >= month))
    return set(rows.all())


async def get_closed(session: AsyncSession, month: str) -> ClosedMonth | None:
    return await session.get(ClosedMonth, month)


async def lines_of(session: AsyncSession, month: str) -> list[SummaryLine]:
    query = select(SummaryLine).where(SummaryLine.month == month).order_by(SummaryLine.employee_id)
    return list((await session.scalars(query)).all())


async def add_closed(session: AsyncSession, closed: ClosedMonth, lines: list[SummaryLine]) -> None:
    session.add(closed)
    session.add_all(lines)
    await session.flush()
