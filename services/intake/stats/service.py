"""The complaint statistics, one row per month of the range (CON management review)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints.schemas import ComplaintKind
from services.intake.stats import repository
from services.intake.stats.schemas import CauseCount, ComplaintMonth, ComplaintStats
from shared.stats import MonthRange, percent


async def complaint_stats(session: AsyncSession, months: MonthRange, now: datetime) -> ComplaintStats:
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {kind.value: 0 for kind in ComplaintKind})
    for month, kind, count in await repository.received_by_kind(session, months):
        by_kind[month][kind] = count
    closed = await repository.closed_by_month(session, months)
    replies = await repository.replies_by_month(session, months, now)
    rows = [
        ComplaintMonth(
            month=month,
            received=sum(by_kind[month].values()),
            closed=closed.get(month, 0),
            on_time_percent=percent(*replies.get(month, (0, 0))),
            by_kind=by_kind[month],
        )
        for month in months.months
    ]
    causes = [CauseCount(cause=cause, count=count) for cause, count in await repository.causes(session, months)]
    return ComplaintStats(months=rows, causes=causes)
