"""CRM-4 scoring table endpoints (HTTP only)."""

from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.classes import service
from services.crm.classes.schemas import ScoringTableIn, ScoringTableOut
from shared.app import sessions_of
from shared.auth import Principal, Role, require_roles

router = APIRouter(prefix="/v1/class-scoring", tags=["classes"])

WRITERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
READERS = (*WRITERS, Role.SALES, Role.CUSTOMER_SERVICE, Role.FINANCE)


@router.get("", response_model=ScoringTableOut)
async def get_scoring_table(
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ScoringTableOut:
    async with sessions() as session:
        stored, table = await service.table_in_force(session)
    return service.to_out(stored, table)


@router.put("", response_model=ScoringTableOut)
async def put_scoring_table(
    payload: ScoringTableIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ScoringTableOut:
    async with sessions() as session, session.begin():
        return await service.replace_table(session, payload, principal)
