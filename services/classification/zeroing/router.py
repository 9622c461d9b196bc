"""CLS-7 emergency plan and CLS-8 归零 closure endpoints (HTTP only)."""

import uuid

from fastapi import APIRouter, Depends, Path
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.incidents import repository as incidents_repository
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.incidents.schemas import IncidentOut
from services.classification.roles import READERS, WRITERS
from services.classification.zeroing import service
from services.classification.zeroing.schemas import CloseIn, EmergencyIn, EmergencyOut, EvidenceIn, StepIn, ZeroingOut
from shared.app import sessions_of
from shared.auth import Principal, require_roles
from shared.errors import not_found

router = APIRouter(prefix="/v1/incidents/{incident_id}", tags=["emergency plan and 归零"])


async def _incident(session: AsyncSession, incident_id: uuid.UUID) -> Incident:
    incident = await incidents_repository.get(session, incident_id)
    if incident is None:
        raise not_found("incident", str(incident_id))
    return incident


@router.post("/emergency", response_model=EmergencyOut)
async def flag_emergency(
    incident_id: uuid.UUID,
    payload: EmergencyIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> EmergencyOut:
    """CLS-7: flags a major quality problem and opens the emergency steps."""
    async with sessions() as session, session.begin():
        incident = await incidents_service.open_or_fail(session, incident_id)
        await service.flag_emergency(session, incident, payload, principal)
        return await service.emergency_out(session, incident)


@router.get("/emergency", response_model=EmergencyOut)
async def get_emergency(
    incident_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> EmergencyOut:
    async with sessions() as session:
        return await service.emergency_out(session, await _incident(session, incident_id))


@router.post("/emergency/steps/{step}", response_model=EmergencyOut)
async def complete_emergency_step(
    incident_id: uuid.UUID,
    payload: StepIn,
    step: str = Path(min_length=1, max_length=40),
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> EmergencyOut:
    async with sessions() as session, session.begin():
        incident = await incidents_service.open_or_fail(session, incident_id)
        await service.complete_step(session, incident, step, payload, principal)
        return await service.emergency_out(session, incident)


@router.get("/zeroing", response_model=ZeroingOut)
async def get_zeroing(
    incident_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ZeroingOut:
    async with sessions() as session:
        return await service.zeroing_out(session, await _incident(session, incident_id))


@router.put("/zeroing/{item}", response_model=ZeroingOut)
async def record_zeroing_evidence(
    incident_id: uuid.UUID,
    payload: EvidenceIn,
    item: str = Path(min_length=1, max_length=40),
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> ZeroingOut:
    """CLS-8: evidence for one technical, management or 四不放过 item."""
    async with sessions() as session, session.begin():
        incident = await incidents_service.open_or_fail(session, incident_id)
        await service.record_evidence(session, incident, item, payload, principal)
        return await service.zeroing_out(session, incident)


@router.post("/close", response_model=IncidentOut)
async def close_incident(
    incident_id: uuid.UUID,
    payload: CloseIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentOut:
    """CLS-8: 409 ``closure_incomplete`` with ``missing`` by group until 归零 is complete."""
    async with sessions() as session, session.begin():
        incident = await service.close(session, incident_id, payload, principal)
        sources = (await incidents_repository.sources_of(session, [incident.id]))[incident.id]
        return incidents_service.to_out(incident, sources)
