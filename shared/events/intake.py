"""Events intake produces (SPEC §1)."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel

from shared.events import topics
from shared.events.registry import EventData, register


class ComplaintProduct(BaseModel):
    model: str
    name: str | None = None
    quantity: int | None = None
    batch_no: str | None = None
    production_date: date | None = None
    purchase_place: str | None = None


class ComplaintEvent(EventData):
    """What every complaint event carries: which complaint, whose, and how severe it is now."""

    TOPIC: ClassVar[str] = topics.COMPLAINTS
    SOURCE: ClassVar[str] = "intake"

    complaint_id: str
    complaint_no: str
    customer_id: str | None = None
    severity: str

    def subject(self) -> str:
        return self.complaint_id


@register
class ComplaintReceivedV1(ComplaintEvent):
    TYPE: ClassVar[str] = "qms.intake.complaint.received.v1"

    kind: str
    channel: str
    status: str
    service_aspect: str | None = None
    product: ComplaintProduct | None = None
    description: str
    recorded_by: str
    received_at: datetime
    investigate_by: datetime
    reply_by: datetime
    # CMP-5: serious complaints go to the decision level; why the complaint is serious.
    escalated_to_decision_level: bool = False
    severity_reason: str | None = None
    calendar_estimated: bool = False
    owner: str | None = None


@register
class ComplaintStatusChangedV1(ComplaintEvent):
    TYPE: ClassVar[str] = "qms.intake.complaint.status_changed.v1"

    from_status: str
    to_status: str
    changed_by: str
    changed_at: datetime
    reason: str | None = None
    # The CMP-4 step that caused the change (investigate, reply, return-visit, close, reject).
    action: str | None = None
    kind: str | None = None
    escalated_to_decision_level: bool = False
    satisfaction: int | None = None


@register
class ComplaintSeverityChangedV1(ComplaintEvent):
    """CMP-5: the quality department escalated a complaint or set its severity after receipt; the status
    stays, so no status_changed is published for it."""

    TYPE: ClassVar[str] = "qms.intake.complaint.severity_changed.v1"

    status: str
    previous_severity: str
    escalated_to_decision_level: bool
    escalated_before: bool
    # The step (escalate or severity) and the quality department's reason for it.
    action: str
    reason: str
    changed_by: str
    changed_at: datetime


@register
class ComplaintDecisionRecordedV1(ComplaintEvent):
    """CMP-5: the decision level's decision on a serious complaint (产品质量投诉处理制度 三.4)."""

    TYPE: ClassVar[str] = "qms.intake.complaint.decision_recorded.v1"

    recall: bool
    crisis_handling: bool
    reason: str
    decided_by: str
    decided_by_name: str | None = None
    decided_at: datetime
    # What a recall would concern.
    product: ComplaintProduct | None = None


@register
class ReturnRecordedV1(EventData):
    TYPE: ClassVar[str] = "qms.intake.return.recorded.v1"
    TOPIC: ClassVar[str] = topics.RETURNS
    SOURCE: ClassVar[str] = "intake"

    line_id: str
    model: str
    production_date: date
    batch_no: str
    shipped_batch_no: str
    quantity: int
    customer_id: str | None = None
    reason: str | None = None
    returned_at: datetime | None = None
    # CLS-2: the complaint this line settles; its pieces were counted with the complaint already.
    complaint_id: str | None = None

    def subject(self) -> str:
        return self.line_id

    def key(self) -> str:
        # CLS-2 counts per (model, production date): one partition sees all of them, in order.
        return f"{self.model}|{self.production_date.isoformat()}"


@register
class IncidentReportFiledV1(EventData):
    TYPE: ClassVar[str] = "qms.intake.incident_report.filed.v1"
    TOPIC: ClassVar[str] = topics.INCIDENT_REPORTS
    SOURCE: ClassVar[str] = "intake"

    report_id: str
    kind: str
    model: str
    quantity: int
    production_line: str | None = None
    shift: str | None = None
    loss_amount: Decimal = Decimal("0.00")
    personal_injury: bool = False
    reputation_impact: bool = False
    cause_category: str | None = None
    description: str
    reported_by: str
    department: str | None = None
    occurred_at: datetime
    supplier: str | None = None
    defect_class: str | None = None
    defect_type: str | None = None

    def subject(self) -> str:
        return self.report_id
