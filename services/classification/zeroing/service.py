"""CLS-7 emergency plan and CLS-8 归零 closure decisions (never commits)."""

import uuid
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.attachments import service as attachments_service
from services.classification.incidents import repository as incidents_repository
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.zeroing import repository
from services.classification.zeroing.models import EmergencyStep, ZeroingItem
from services.classification.zeroing.rules import (
    ASSEMBLY_FAILURE_PIECES,
    EMERGENCY_STEPS,
    ZEROING_ITEMS,
    TriggerClaim,
    below_threshold,
    emergency_reasons,
    missing_for_closure,
    next_emergency_step,
    zeroing_required,
)
from services.classification.zeroing.schemas import (
    CloseIn,
    EmergencyIn,
    EmergencyOut,
    EvidenceIn,
    StepIn,
    StepOut,
    ZeroingItemOut,
    ZeroingOut,
)
from shared.auth import Principal
from shared.clock import now
from shared.errors import conflict, not_found, unprocessable
from shared.schemas import attributes_of

Shown = TypeVar("Shown", bound=BaseModel)


async def flag_emergency(
    session: AsyncSession, incident_id: uuid.UUID, payload: EmergencyIn, principal: Principal
) -> Incident:
    """CLS-7: every trigger claimed must hold (重大质量问题应急预案 §三); one below its threshold is
    refused, never dropped, so the flag's reasons are exactly what was claimed. Only an open incident."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    if incident.emergency:
        raise conflict("emergency_already_flagged", "the emergency plan already runs for this incident")
    claims = [TriggerClaim(t.trigger, t.pieces) for t in payload.triggers]
    unmet = below_threshold(claims)
    if unmet:
        raise unprocessable(
            "trigger_below_threshold",
            f"assembly_failures counts from {ASSEMBLY_FAILURE_PIECES} pieces of one product failing at the "
            "customer's assembly; give the pieces, or leave the trigger out",
            threshold=ASSEMBLY_FAILURE_PIECES,
            unmet=unmet,
        )
    reasons = emergency_reasons(claims)
    at = now()
    incident.emergency = True
    incident.emergency_triggers = reasons
    incident.updated_at = at
    detail = {"triggers": reasons, "note": payload.note}
    await incidents_repository.add_history(session, incident.id, "emergency_flagged", principal.sub, detail, at)
    await incidents_service.publish_change(session, incident, incident.level)
    return incident


async def complete_step(
    session: AsyncSession, incident_id: uuid.UUID, step: str, payload: StepIn, principal: Principal
) -> Incident:
    """CLS-7: the steps of an open incident's plan run in order; each records who did it and when."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    if step not in EMERGENCY_STEPS:
        raise not_found("emergency step", step)
    if not incident.emergency:
        raise conflict("emergency_not_flagged", "the emergency plan does not run for this incident")
    done = [s.step for s in await repository.steps(session, incident.id)]
    expected = next_emergency_step(done)
    if step != expected:
        raise conflict(
            "emergency_step_out_of_order",
            f"the next step is {expected}" if expected else "every step is done already",
            next_step=expected,
        )
    recorded = now()
    at = payload.done_at or recorded
    await repository.add_step(
        session,
        EmergencyStep(
            incident_id=incident.id,
            step=step,
            done_by=principal.sub,
            done_by_name=principal.name or None,
            done_at=at,
            note=payload.note,
        ),
    )
    incident.updated_at = recorded
    detail = {"step": step, "note": payload.note, "done_at": at.isoformat()}
    await incidents_repository.add_history(session, incident.id, "emergency_step", principal.sub, detail, recorded)
    return incident


def _shown(model: type[Shown], recorded: object | None, **given: object) -> Shown:
    """A step or item as answered: what was recorded of it, if anything, and what every one has."""
    return model.model_validate({**(attributes_of(recorded, model) if recorded else {}), **given})


async def emergency_out(session: AsyncSession, incident: Incident) -> EmergencyOut:
    recorded = {s.step: s for s in await repository.steps(session, incident.id)}
    steps = [
        _shown(StepOut, recorded.get(name), step=name, position=position, done=name in recorded)
        for position, name in enumerate(EMERGENCY_STEPS, start=1)
    ]
    return EmergencyOut(
        emergency=incident.emergency,
        triggers=incident.emergency_triggers,
        steps=steps,
        next_step=next_emergency_step(recorded) if incident.emergency else None,
    )


async def record_evidence(
    session: AsyncSession, incident_id: uuid.UUID, item: str, payload: EvidenceIn, principal: Principal
) -> Incident:
    """CLS-8: one of the technical five, management five or 四不放过 of an open incident, with its evidence."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    if item not in ZEROING_ITEMS:
        raise not_found("归零 item", item)
    await attachments_service.check_evidence(session, incident.id, payload.attachments)
    attachment_ids = [str(i) for i in dict.fromkeys(payload.attachments)]
    at = now()
    await repository.put_item(
        session,
        ZeroingItem(
            incident_id=incident.id,
            item=item,
            evidence=payload.evidence,
            documents=payload.documents,
            attachments=attachment_ids,
            recorded_by=principal.sub,
            recorded_at=at,
        ),
    )
    incident.updated_at = at
    detail = {"item": item, "evidence": payload.evidence, "documents": payload.documents, "attachments": attachment_ids}
    await incidents_repository.add_history(session, incident.id, "zeroing_evidence", principal.sub, detail, at)
    return incident


async def missing(session: AsyncSession, incident: Incident) -> dict[str, list[str]]:
    items = [i.item for i in await repository.items(session, incident.id)]
    steps = [s.step for s in await repository.steps(session, incident.id)]
    return missing_for_closure(incident.level, incident.problem_level, incident.emergency, items, steps)


async def zeroing_out(session: AsyncSession, incident: Incident) -> ZeroingOut:
    recorded = {i.item: i for i in await repository.items(session, incident.id)}
    items = [
        _shown(ZeroingItemOut, recorded.get(name), item=name, group=group.value, done=name in recorded)
        for name, group in ZEROING_ITEMS.items()
    ]
    return ZeroingOut(
        required=zeroing_required(incident.level, incident.problem_level),
        items=items,
        missing=await missing(session, incident),
    )


async def close(session: AsyncSession, incident_id: uuid.UUID, payload: CloseIn, principal: Principal) -> Incident:
    """CLS-8: an incident that needs 归零 closes only when every item has its evidence, the 四不放过
    checks hold and a running emergency plan is complete; otherwise 409 with exactly what is missing."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    absent = await missing(session, incident)
    if absent:
        raise conflict("closure_incomplete", "the incident cannot close yet", missing=absent)
    await incidents_service.close(session, incident, principal.sub, payload.summary, {"summary": payload.summary})
    return incident
