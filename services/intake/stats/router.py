"""Complaint statistics for the management review (CON, HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.intake.stats import service
from services.intake.stats.schemas import ComplaintStats
from shared import clock
from shared.auth import Principal, Role, require_roles
from shared.http.session import ReadSession
from shared.stats import MonthRange, months_asked

router = APIRouter(prefix="/v1/stats", tags=["stats"])

# The management review's readers (SPEC §7, §12).
REVIEWERS = (Role.QUALITY_MANAGER, Role.EXECUTIVE, Role.ADMIN_DEPT, Role.OPS)


@router.get("/complaints", response_model=ComplaintStats)
async def complaint_stats(
    months: Annotated[MonthRange, Depends(months_asked)],
    session: ReadSession,
    _: Principal = Depends(require_roles(*REVIEWERS)),
) -> ComplaintStats:
    """Per China-time month: received (by kind), closed, the CMP-3 on-time share of replies; and the
    Pareto of the replies' causes over the range."""
    return await service.complaint_stats(session, months, clock.now())
