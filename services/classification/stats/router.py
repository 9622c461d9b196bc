"""Incident statistics for the management review (CON, HTTP only)."""

from services.classification.stats import service
from services.classification.stats.schemas import IncidentStats
from shared.http.session import ReadSession
from shared.stats import Months, stats_router

router = stats_router()


@router.get("/incidents", response_model=IncidentStats)
async def incident_stats(months: Months, session: ReadSession) -> IncidentStats:
    """Per China month an incident was opened: incidents by level and the reported losses; over the
    range the ten models with most units in incidents, and the supplier issues by defect class."""
    return await service.incident_stats(session, months)
