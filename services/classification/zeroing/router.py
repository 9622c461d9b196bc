"""CLS-7 emergency plan and CLS-8 归零 closure endpoints (HTTP only)."""

import uuid

from fastapi import APIRouter, Path

from services.classification.incidents import service as incidents_service
from services.classification.incidents.schemas import IncidentOut
from services.classification.incidents.service import SourcedIncident
from services.classification.roles import Reader, Writer
from services.classification.zeroing import service
from services.classification.zeroing.schemas import CloseIn, EmergencyIn, EmergencyOut, EvidenceIn, StepIn, ZeroingOut
from shared.http.session import ReadSession, WriteSession

router = APIRouter(prefix="/v1/incidents/{incident_id}", tags=["emergency plan and 归零"])


@router.post("/emergency", response_model=EmergencyOut)
async def flag_emergency(
    incident_id: uuid.UUID,
    payload: EmergencyIn,
    session: WriteSession,
    principal: Writer,
) -> EmergencyOut:
    """CLS-7: flags a major quality problem and opens the emergency steps."""
    incident = await service.flag_emergency(session, incident_id, payload, principal)
    return await service.emergency_out(session, incident)


@router.get("/emergency", response_model=EmergencyOut)
async def get_emergency(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> EmergencyOut:
    return await service.emergency_out(session, await incidents_service.existing(session, incident_id))


@router.post("/emergency/steps/{step}", response_model=EmergencyOut)
async def complete_emergency_step(
    incident_id: uuid.UUID,
    payload: StepIn,
    session: WriteSession,
    principal: Writer,
    step: str = Path(min_length=1, max_length=40),
) -> EmergencyOut:
    incident = await service.complete_step(session, incident_id, step, payload, principal)
    return await service.emergency_out(session, incident)


@router.get("/zeroing", response_model=ZeroingOut)
async def get_zeroing(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> ZeroingOut:
    return await service.zeroing_out(session, await incidents_service.existing(session, incident_id))


@router.put("/zeroing/{item}", response_model=ZeroingOut)
async def record_zeroing_evidence(
    incident_id: uuid.UUID,
    payload: EvidenceIn,
    session: WriteSession,
    principal: Writer,
    item: str = Path(min_length=1, max_length=40),
) -> ZeroingOut:
    """CLS-8: evidence for one technical, management or 四不放过 item."""
    incident = await service.record_evidence(session, incident_id, item, payload, principal)
    return await service.zeroing_out(session, incident)


@router.post("/close", response_model=IncidentOut)
async def close_incident(
    incident_id: uuid.UUID,
    payload: CloseIn,
    session: WriteSession,
    principal: Writer,
) -> SourcedIncident:
    """CLS-8: 409 ``closure_incomplete`` with ``missing`` by group until 归零 is complete."""
    incident = await service.close(session, incident_id, payload, principal)
    return await incidents_service.sourced_one(session, incident)
