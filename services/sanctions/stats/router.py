"""Sanctions statistics for the management review (CON, HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.sanctions.stats import service
from services.sanctions.stats.schemas import SanctionStats
from shared.auth import Principal, Role, require_roles
from shared.http.session import ReadSession
from shared.stats import MonthRange, months_asked

router = APIRouter(prefix="/v1/stats", tags=["stats"])

# The management review's readers (SPEC §7, §12).
REVIEWERS = (Role.QUALITY_MANAGER, Role.EXECUTIVE, Role.ADMIN_DEPT, Role.OPS)


@router.get("/sanctions", response_model=SanctionStats)
async def sanction_stats(
    months: Annotated[MonthRange, Depends(months_asked)],
    session: ReadSession,
    _: Principal = Depends(require_roles(*REVIEWERS)),
) -> SanctionStats:
    """Per month a notice counts in (SAN-5): the penalties and the rewards in force, how many and how
    much."""
    return await service.sanction_stats(session, months)
