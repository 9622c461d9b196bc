"""Incident statistics for the management review (CON, HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.classification.stats import service
from services.classification.stats.schemas import IncidentStats
from shared.auth import Principal, Role, require_roles
from shared.http.session import ReadSession
from shared.stats import MonthRange, months_asked

router = APIRouter(prefix="/v1/stats", tags=["stats"])

# The management review's readers (SPEC §7, §12).
REVIEWERS = (Role.QUALITY_MANAGER, Role.EXECUTIVE, Role.ADMIN_DEPT, Role.OPS)


@router.get("/incidents", response_model=IncidentStats)
async def incident_stats(
    months: Annotated[MonthRange, Depends(months_asked)],
    session: ReadSession,
    _: Principal = Depends(require_roles(*REVIEWERS)),
) -> IncidentStats:
    """Per China month an incident was opened: incidents by level and the reported losses; over the
    range the ten models with most units in incidents, and the supplier issues by defect class."""
    return await service.incident_stats(session, months)
