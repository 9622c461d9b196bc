"""The incident statistics, one row per month of the range (CON management review)."""

from collections import defaultdict
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.stats import repository
from services.classification.stats.schemas import DefectClassCount, IncidentMonth, IncidentStats, ModelQuantity
from shared.stats import MonthRange

LEVELS = ("general", "batch", "major")


async def incident_stats(session: AsyncSession, months: MonthRange) -> IncidentStats:
    levels: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    for month, level, count in await repository.by_level(session, months):
        levels[month][level] = count
    losses = await repository.losses(session, months)
    rows = [
        IncidentMonth(month=month, by_level=levels[month], losses=losses.get(month, Decimal("0.00")))
        for month in months.months
    ]
    worst = [
        ModelQuantity(model=model, quantity=quantity, incidents=incidents)
        for model, quantity, incidents in await repository.worst_models(session, months)
    ]
    defects = [
        DefectClassCount(defect_class=defect_class, count=count)
        for defect_class, count in await repository.supplier_defects(session, months)
    ]
    return IncidentStats(months=rows, worst_models=worst, supplier_defects=defects)
