"""All SQL of shop-floor reports."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.reports.models import IncidentReport
from shared.http.pagination import Keyset


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


# Newest filed first.
KEYSET = Keyset((IncidentReport.created_at, IncidentReport.id), (datetime.fromisoformat, uuid.UUID))


def search(where: ReportFilter) -> Select[IncidentReport]:
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
    return query
