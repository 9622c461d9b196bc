"""CLS-6 supplier material endpoints (HTTP only)."""

import uuid

from fastapi import APIRouter

from services.classification.incidents import service as incidents_service
from services.classification.roles import Reader, Writer
from services.classification.suppliers import service
from services.classification.suppliers.models import SupplierDeduction
from services.classification.suppliers.schemas import DeductionIn, DeductionOut, DispositionIn, SupplierIssueOut
from shared.http.session import ReadSession, WriteSession, creates_once

router = APIRouter(prefix="/v1/incidents/{incident_id}/supplier-issue", tags=["supplier material"])


@router.get("", response_model=SupplierIssueOut)
async def get_supplier_issue(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> SupplierIssueOut:
    return await service.issue_out(session, incident_id)


@router.post("/disposition", response_model=SupplierIssueOut)
async def decide_disposition(
    incident_id: uuid.UUID,
    payload: DispositionIn,
    session: WriteSession,
    principal: Writer,
) -> SupplierIssueOut:
    incident = await incidents_service.open_or_fail(session, incident_id)
    await service.decide(session, incident, payload, principal)
    return await service.issue_out(session, incident_id)


@router.post("/deductions", status_code=201, response_model=DeductionOut)
@creates_once("deductions:{incident_id}", per_caller=False)
async def charge_concession_hours(
    incident_id: uuid.UUID,
    payload: DeductionIn,
    session: WriteSession,
    principal: Writer,
) -> SupplierDeduction:
    """CLS-6 §9.1: 20 CNY per hour of extra work, published for sanctions (SAN-7)."""
    incident = await incidents_service.open_or_fail(session, incident_id)
    return await service.charge(session, incident, payload, principal)
