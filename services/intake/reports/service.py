"""Shop-floor report decisions and their events (never commits: the route's transaction does)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.reports import repository
from services.intake.reports.models import IncidentReport
from services.intake.reports.rules import implied_flags
from services.intake.reports.schemas import ReportIn
from shared import clock
from shared.auth import Principal
from shared.events.intake import IncidentReportFiledV1
from shared.messaging.outbox import add_event
from shared.schemas import attributes_of


async def file_report(session: AsyncSession, payload: ReportIn, filer: Principal) -> IncidentReport:
    """REP-1: records the report and hands it to classification (``incident_report.filed``)."""
    personal_injury, reputation_impact = implied_flags(
        payload.kind.value, payload.personal_injury, payload.reputation_impact
    )
    report = IncidentReport(
        kind=payload.kind.value,
        model=payload.model,
        quantity=payload.quantity,
        production_line=payload.production_line,
        shift=payload.shift,
        loss_amount=payload.loss_amount,
        personal_injury=personal_injury,
        reputation_impact=reputation_impact,
        cause_category=payload.cause_category.value if payload.cause_category else None,
        description=payload.description,
        reported_by=payload.reported_by or filer.sub,
        department=payload.department or filer.department or None,
        occurred_at=payload.occurred_at,
        supplier=payload.supplier,
        defect_class=payload.defect_class.value if payload.defect_class else None,
        defect_type=payload.defect_type.value if payload.defect_type else None,
        filed_by=filer.sub,
        created_at=clock.now(),
    )
    await repository.add(session, report)
    await add_event(session, filed_event(report))
    return report


def filed_event(report: IncidentReport) -> IncidentReportFiledV1:
    """The report as classification reads it: the event's fields are the report's."""
    return IncidentReportFiledV1.model_validate(
        {**attributes_of(report, IncidentReportFiledV1), "report_id": str(report.id)}
    )
