"""All SQL of the complaint statistics (CON management review): aggregated in Postgres."""

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import OVERDUE_REPLY_STATUSES
from shared.stats import MonthRange, china_month


async def received_by_kind(session: AsyncSession, months: MonthRange) -> list[tuple[str, str, int]]:
    """(month, kind, count) of the complaints received in the range."""
    month = china_month(Complaint.received_at)
    query = (
        select(month, Complaint.kind, func.count())
        .where(Complaint.received_at >= months.starts, Complaint.received_at < months.ends)
        .group_by(month, Complaint.kind)
    )
    return [(row[0], row[1], int(row[2])) for row in await session.execute(query)]


async def closed_by_month(session: AsyncSession, months: MonthRange) -> dict[str, int]:
    month = china_month(Complaint.closed_at)
    query = (
        select(month, func.count())
        .where(Complaint.closed_at >= months.starts, Complaint.closed_at < months.ends)
        .group_by(month)
    )
    return {row[0]: int(row[1]) for row in await session.execute(query)}


async def replies_by_month(session: AsyncSession, months: MonthRange, now: datetime) -> dict[str, tuple[int, int]]:
    """CMP-3 by month of receipt: (replied by the deadline, replies due): a reply is due once it has
    been given or its deadline has passed unanswered."""
    month = china_month(Complaint.received_at)
    on_time = func.count().filter(Complaint.replied_at <= Complaint.reply_by)
    due = func.count().filter(
        or_(
            Complaint.replied_at.is_not(None),
            Complaint.status.in_(OVERDUE_REPLY_STATUSES) & (Complaint.reply_by < now),
        )
    )
    query = (
        select(month, on_time, due)
        .where(Complaint.received_at >= months.starts, Complaint.received_at < months.ends)
        .group_by(month)
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in await session.execute(query)}


async def causes(session: AsyncSession, months: MonthRange) -> list[tuple[str, int]]:
    """The causes of the CMP-4 replies to complaints received in the range, most frequent first."""
    cause = Complaint.reply["cause"].astext
    count = func.count()
    query = (
        select(cause, count)
        .where(
            Complaint.received_at >= months.starts,
            Complaint.received_at < months.ends,
            Complaint.reply.is_not(None),
        )
        .group_by(cause)
        .order_by(count.desc(), cause)
    )
    return [(row[0], int(row[1])) for row in await session.execute(query)]
