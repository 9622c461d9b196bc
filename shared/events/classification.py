"""Events classification produces (SPEC §1, CLS-6)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from shared.events import topics
from shared.events.registry import EventData, register


class _IncidentEvent(EventData):
    TOPIC: ClassVar[str] = topics.INCIDENTS
    SOURCE: ClassVar[str] = "classification"

    incident_id: str
    level: str
    problem_level: str | None = None
    status: str
    reasons: list[dict[str, Any]] = []
    source_ids: list[str] = []
    rule_version: int
    model: str | None = None
    production_date: date | None = None
    shipped_batch_no: str | None = None
    cause_category: str | None = None
    # SAN-6 drafts 5.2.1.13 for this department's head.
    responsible_department: str | None = None
    responsible_head: str | None = None
    # source_ids carries at most 1000 ids; source_count says how many the incident has in all.
    source_count: int | None = None
    origin: str | None = None
    # CLS-7: the incident runs the major quality problem emergency plan.
    emergency: bool = False
    description: str | None = None

    def subject(self) -> str:
        return self.incident_id


@register
class IncidentClassifiedV1(_IncidentEvent):
    TYPE: ClassVar[str] = "qms.classification.incident.classified.v1"

    classified_at: datetime


@register
class IncidentEscalatedV1(_IncidentEvent):
    TYPE: ClassVar[str] = "qms.classification.incident.escalated.v1"

    previous_level: str
    escalated_at: datetime


@register
class IncidentClosedV1(_IncidentEvent):
    TYPE: ClassVar[str] = "qms.classification.incident.closed.v1"

    closed_by: str
    closed_at: datetime
    closing_summary: str | None = None


@register
class SupplierDeductionRecordedV1(EventData):
    TYPE: ClassVar[str] = "qms.classification.supplier_deduction.recorded.v1"
    TOPIC: ClassVar[str] = topics.SUPPLIER_DEDUCTIONS
    SOURCE: ClassVar[str] = "classification"

    deduction_id: str
    incident_id: str
    supplier: str
    concession_kind: str
    hours: Decimal
    rate_per_hour: Decimal
    amount: Decimal
    occurred_at: datetime
    defect_class: str | None = None
    recorded_by: str | None = None

    def subject(self) -> str:
        return self.deduction_id
