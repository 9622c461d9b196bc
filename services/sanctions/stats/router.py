"""Sanctions statistics for the management review (CON, HTTP only)."""

from services.sanctions.stats import service
from services.sanctions.stats.schemas import SanctionStats
from shared.http.session import ReadSession
from shared.stats import Months, stats_router

router = stats_router()


@router.get("/sanctions", response_model=SanctionStats)
async def sanction_stats(months: Months, session: ReadSession) -> SanctionStats:
    """Per month a notice counts in (SAN-5): the penalties and the rewards in force, how many and how
    much."""
    return await service.sanction_stats(session, months)
