"""Complaint statistics for the management review (CON, HTTP only)."""

from services.intake.stats import service
from services.intake.stats.schemas import ComplaintStats
from shared import clock
from shared.http.session import ReadSession
from shared.stats import Months, stats_router

router = stats_router()


@router.get("/complaints", response_model=ComplaintStats)
async def complaint_stats(months: Months, session: ReadSession) -> ComplaintStats:
    """Per China-time month: received (by kind), closed, the CMP-3 on-time share of replies; and the
    Pareto of the replies' causes over the range."""
    return await service.complaint_stats(session, months, clock.now())
