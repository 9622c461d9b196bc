"""CLS-6 decisions: disposition of nonconforming supplier material and the 20 CNY/hour deduction."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository as incidents_repository
from services.classification.incidents.models import Incident
from services.classification.suppliers import repository
from services.classification.suppliers.models import SupplierDeduction, SupplierIssue
from services.classification.suppliers.rules import DEDUCTION_PER_HOUR, Disposition, concession_deduction
from services.classification.suppliers.schemas import (
    DeductionIn,
    DispositionIn,
    SupplierIssueOut,
)
from shared import clock
from shared.auth import Principal
from shared.errors import conflict, found
from shared.events.classification import SupplierDeductionRecordedV1
from shared.events.intake import IncidentReportFiledV1
from shared.messaging.outbox import add_event
from shared.schemas import attributes_of

UNNAMED_SUPPLIER = "unknown"


async def open_issue(session: AsyncSession, incident_id: uuid.UUID, report: IncidentReportFiledV1) -> None:
    """A supplier-material report (REP-1) carries the supplier, defect class and type."""
    await repository.add_issue(
        session,
        SupplierIssue(
            incident_id=incident_id,
            supplier=report.supplier or UNNAMED_SUPPLIER,
            defect_class=report.defect_class,
            defect_type=report.defect_type,
        ),
    )


async def issue_or_404(session: AsyncSession, incident_id: uuid.UUID) -> SupplierIssue:
    return found(await repository.issue(session, incident_id), "supplier material issue", incident_id)


async def decide(
    session: AsyncSession, incident: Incident, payload: DispositionIn, principal: Principal
) -> SupplierIssue:
    """§7: return to the supplier, or use under one of the five concession kinds (§8.1–8.5). Once hours
    were charged under a concession, the disposition stays."""
    issue = await issue_or_404(session, incident.id)
    if await repository.deductions(session, incident.id):
        raise conflict("disposition_charged", "deductions were recorded under this concession; it cannot change")
    at = clock.now()
    issue.disposition = payload.disposition.value
    issue.concession_kind = payload.concession_kind.value if payload.concession_kind else None
    issue.decided_by, issue.decided_at, issue.note = principal.sub, at, payload.note
    await session.flush()
    detail = {"disposition": issue.disposition, "concession_kind": issue.concession_kind, "note": payload.note}
    await incidents_repository.add_history(session, incident.id, "supplier_disposition", principal.sub, detail, at)
    return issue


async def charge(
    session: AsyncSession, incident: Incident, payload: DeductionIn, principal: Principal
) -> SupplierDeduction:
    """§9.1: concession use costs the supplier 20 CNY per hour of extra work; sanctions records it (SAN-7)."""
    issue = await issue_or_404(session, incident.id)
    if issue.disposition != Disposition.CONCESSION or issue.concession_kind is None:
        raise conflict("concession_required", "hours are charged only for material used under a concession")
    deduction = SupplierDeduction(
        id=uuid.uuid4(),
        incident_id=incident.id,
        supplier=issue.supplier,
        concession_kind=issue.concession_kind,
        hours=payload.hours,
        rate_per_hour=DEDUCTION_PER_HOUR,
        amount=concession_deduction(payload.hours),
        note=payload.note,
        recorded_by=principal.sub,
        occurred_at=payload.occurred_at,
        created_at=clock.now(),
    )
    await repository.add_deduction(session, deduction)
    detail = {"deduction_id": str(deduction.id), "hours": str(deduction.hours), "amount": f"{deduction.amount:.2f}"}
    await incidents_repository.add_history(
        session, incident.id, "supplier_deduction", principal.sub, detail, deduction.created_at
    )
    await add_event(
        session,
        SupplierDeductionRecordedV1(
            deduction_id=str(deduction.id),
            incident_id=str(incident.id),
            supplier=deduction.supplier,
            concession_kind=deduction.concession_kind,
            hours=deduction.hours,
            rate_per_hour=deduction.rate_per_hour,
            amount=deduction.amount,
            occurred_at=deduction.occurred_at,
            defect_class=issue.defect_class,
            recorded_by=principal.sub,
        ),
    )
    return deduction


async def issue_out(session: AsyncSession, incident_id: uuid.UUID) -> SupplierIssueOut:
    issue = await issue_or_404(session, incident_id)
    deductions = await repository.deductions(session, incident_id)
    total = sum((d.amount for d in deductions), Decimal("0.00"))
    return SupplierIssueOut.model_validate(
        {**attributes_of(issue, SupplierIssueOut), "deductions": deductions, "deducted_total": total}
    )
