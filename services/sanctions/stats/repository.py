"""All SQL of the sanctions statistics (CON management review): aggregated in Postgres."""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.notices.models import Notice
from services.sanctions.notices.rules import Status
from shared.stats import MonthRange

# A notice counts once it is issued: a draft is not yet a decision, a withdrawn or superseded one no
# longer is (SAN-3, SAN-4).
IN_FORCE = (Status.ISSUED.value, Status.STAMPED.value, Status.SUMMARIZED.value)


async def amounts_by_month(session: AsyncSession, months: MonthRange) -> list[tuple[str, str, int, Decimal]]:
    """(month, kind, notices, amount) of the notices in force, by the month they count in (SAN-5)."""
    query = (
        select(Notice.month, Notice.kind, func.count(), func.coalesce(func.sum(Notice.amount), 0))
        .where(
            Notice.month >= months.first.strftime("%Y-%m"),
            Notice.month <= months.last.strftime("%Y-%m"),
            Notice.status.in_(IN_FORCE),
        )
        .group_by(Notice.month, Notice.kind)
    )
    return [(row[0], row[1], int(row[2]), Decimal(row[3])) for row in await session.execute(query)]
