"""The sanctions statistics, one row per month of the range (CON management review)."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.stats import repository
from services.sanctions.stats.schemas import SanctionMonth, SanctionStats, Tally
from shared.stats import MonthRange

NOTHING = (0, Decimal("0.00"))


async def sanction_stats(session: AsyncSession, months: MonthRange) -> SanctionStats:
    tallies = {
        (month, kind): (count, amount)
        for month, kind, count, amount in await repository.amounts_by_month(session, months)
    }
    rows = [
        SanctionMonth(
            month=month,
            penalties=_tally(tallies.get((month, "penalty"), NOTHING)),
            rewards=_tally(tallies.get((month, "reward"), NOTHING)),
        )
        for month in months.months
    ]
    return SanctionStats(months=rows)


def _tally(counted: tuple[int, Decimal]) -> Tally:
    return Tally(count=counted[0], amount=counted[1])
