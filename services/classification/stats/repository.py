"""All SQL of the incident statistics (CON management review): aggregated in Postgres."""

from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents.models import Incident
from services.classification.suppliers.models import SupplierIssue
from shared.stats import MonthRange, china_month

WORST_MODELS = 10


def _opened_in(months: MonthRange) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (Incident.created_at >= months.starts, Incident.created_at < months.ends)


async def by_level(session: AsyncSession, months: MonthRange) -> list[tuple[str, str, int]]:
    """(month, level, incidents) by the China month each was opened."""
    month = china_month(Incident.created_at)
    query = select(month, Incident.level, func.count()).where(*_opened_in(months)).group_by(month, Incident.level)
    return [(row[0], row[1], int(row[2])) for row in await session.execute(query)]


async def losses(session: AsyncSession, months: MonthRange) -> dict[str, Decimal]:
    """The reported losses (cost of poor quality) of the incidents opened each month."""
    month = china_month(Incident.created_at)
    total = func.coalesce(func.sum(Incident.loss_amount), 0)
    query = select(month, total).where(*_opened_in(months)).group_by(month)
    return {row[0]: Decimal(row[1] or 0) for row in await session.execute(query)}


async def worst_models(session: AsyncSession, months: MonthRange) -> list[tuple[str, int, int]]:
    """(model, quantity, incidents): the models with the most units in incidents, at most ten."""
    quantity = func.coalesce(func.sum(Incident.quantity), 0)
    query = (
        select(Incident.model, quantity, func.count())
        .where(*_opened_in(months), Incident.model.is_not(None))
        .group_by(Incident.model)
        .order_by(quantity.desc(), Incident.model)
        .limit(WORST_MODELS)
    )
    return [(str(row[0]), int(row[1] or 0), int(row[2])) for row in await session.execute(query)]


async def supplier_defects(session: AsyncSession, months: MonthRange) -> list[tuple[str | None, int]]:
    """(defect class, incidents) of the supplier issues of incidents opened in the range."""
    query = (
        select(SupplierIssue.defect_class, func.count())
        .join(Incident, Incident.id == SupplierIssue.incident_id)
        .where(*_opened_in(months))
        .group_by(SupplierIssue.defect_class)
        .order_by(SupplierIssue.defect_class)
    )
    return [(row[0], int(row[1])) for row in await session.execute(query)]
