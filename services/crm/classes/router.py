"""CRM-4 scoring table endpoints (HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from services.crm.classes import service
from services.crm.classes.schemas import ScoringTableIn, ScoringTableOut
from shared.auth import Principal, Role, require_roles
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/class-scoring", tags=["classes"])

WRITERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
READERS = (*WRITERS, Role.SALES, Role.CUSTOMER_SERVICE, Role.FINANCE)
Writer = Annotated[Principal, Depends(require_roles(*WRITERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.get("", response_model=ScoringTableOut)
async def get_scoring_table(session: ReadSession, _: Reader) -> ScoringTableOut:
    return ScoringTableOut.of(*await service.table_in_force(session))


@router.put("", response_model=ScoringTableOut)
async def put_scoring_table(payload: ScoringTableIn, session: WriteSession, principal: Writer) -> ScoringTableOut:
    return await service.replace_table(session, payload, principal)
