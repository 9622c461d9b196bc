"""All SQL of shop-floor reports."""

import uuid
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.reports.models import IncidentReport
from services.intake.reports.schemas import ReportQuery
from shared.http.pagination import Keyset
from shared.queries import where_given, where_within


async def add(session: AsyncSession, report: IncidentReport) -> None:
    session.add(report)
    await session.flush()


async def get(session: AsyncSession, report_id: uuid.UUID) -> IncidentReport | None:
    return await session.get(IncidentReport, report_id)


# Newest filed first.
KEYSET = Keyset((IncidentReport.created_at, IncidentReport.id), (datetime.fromisoformat, uuid.UUID))


def search(where: ReportQuery) -> Select[IncidentReport]:
    query = where_given(
        select(IncidentReport),
        (IncidentReport.kind, where.kind),
        (IncidentReport.model, where.model),
        (IncidentReport.supplier, where.supplier),
        (IncidentReport.department, where.department),
    )
    return where_within(query, IncidentReport.occurred_at, where.occurred_from, where.occurred_to)
