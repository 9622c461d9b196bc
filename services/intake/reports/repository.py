"""All SQL of shop-floor reports."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.reports.models import IncidentReport


async def add(session: AsyncSession, report: IncidentReport) -> None:
    session.add(report)
    await session.flush()


async def get(session: AsyncSession, report_id: uuid.UUID) -> IncidentReport | None:
    return await session.get(IncidentReport, report_id)


@dataclass(frozen=True)
class ReportFilter:
    kind: str | None = None
    model: str | None = None
    supplier: str | None = None
    department: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


async def search(
    session: AsyncSession, where: ReportFilter, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[IncidentReport]:
    query = select(IncidentReport)
    for column, value in (
        (IncidentReport.kind, where.kind),
        (IncidentReport.model, where.model),
        (IncidentReport.supplier, where.supplier),
        (IncidentReport.department, where.department),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.occurred_from is not None:
        query = query.where(IncidentReport.occurred_at >= where.occurred_from)
    if where.occurred_to is not None:
        query = query.where(IncidentReport.occurred_at < where.occurred_to)
    if after is not None:
        query = query.where(tuple_(IncidentReport.created_at, IncidentReport.id) < tuple_(*after))
    query = query.order_by(IncidentReport.created_at.desc(), IncidentReport.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())
