"""Complaint shapes of SPEC §8 (CMP-1 … CMP-8)."""

import uuid
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import (
    allowed_actions,
    customer_warnings,
    masked_complainant,
    on_time,
    overdue_stages,
    sees_personal_data,
)
from shared.http.inputs import EMAIL
from shared.http.problems import FieldError, refuse_impossible_time
from shared.schemas import (
    WHOLE,
    ChinaTime,
    Day,
    ListQuery,
    Out,
    Page,
    Short,
    Strict,
    Text,
    TextFilter,
    attributes_of,
    reading_of,
)


class ComplaintKind(StrEnum):
    PRODUCT_QUALITY = "product_quality"
    SERVICE = "service"


class ServiceAspect(StrEnum):
    ATTITUDE = "attitude"
    PROFESSIONALISM = "professionalism"
    EFFICIENCY = "efficiency"
    OTHER = "other"


class Severity(StrEnum):
    GENERAL = "general"
    SERIOUS = "serious"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    MOBILE = "mobile"
    WECHAT = "wechat"
    MEDIA = "media"
    REGULATOR = "regulator"


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    REPLIED = "replied"
    VISITED = "visited"
    CLOSED = "closed"
    REJECTED = "rejected"


class Complainant(Strict):
    name: Short
    phone: Annotated[str, Field(max_length=50)] | None = None
    email: Annotated[str, Field(max_length=200, pattern=EMAIL)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    other_contact: Annotated[str, Field(max_length=200)] | None = None


class Product(Strict):
    model: Short
    name: Short | None = None
    quantity: Annotated[int, Field(gt=0, le=10_000_000)] | None = None
    batch_no: Short | None = None
    production_date: Day | None = None
    purchase_place: Short | None = None


class ComplaintIn(Strict):
    kind: ComplaintKind
    service_aspect: ServiceAspect | None = None
    severity: Severity = Severity.GENERAL
    channel: Channel
    customer_id: Short | None = None
    complainant: Complainant
    product: Product | None = None
    circumstances: Annotated[str, Field(max_length=4000)] | None = None
    description: Text
    received_at: ChinaTime

    @model_validator(mode="after")
    def kind_fields_agree(self) -> Self:
        """CMP-1: a service complaint names its aspect; a product complaint names its product."""
        if self.kind is ComplaintKind.SERVICE:
            if self.service_aspect is None:
                raise FieldError("service_aspect", "a service complaint needs service_aspect")
            if self.product is not None:
                raise FieldError("product", "a service complaint carries no product")
        elif self.product is None:
            raise FieldError("product", "a product_quality complaint needs product")
        elif self.service_aspect is not None:
            raise FieldError("service_aspect", "service_aspect belongs to service complaints only")
        return self

    @model_validator(mode="after")
    def dates_are_possible(self) -> Self:
        """CMP-2: a complaint cannot be received in the future, nor be about a product made after it."""
        refuse_impossible_time("received_at", self.received_at)
        made = self.product.production_date if self.product else None
        if made is not None and made > self.received_at.date() + timedelta(days=1):
            raise FieldError(("product", "production_date"), "production_date is after the complaint was received")
        return self


class ReplyOut(BaseModel):
    cause: str
    resolution: str
    improvement: str
    signed_by: str
    signed_by_name: str | None = None
    replied_at: ChinaTime


class ReturnVisitOut(BaseModel):
    feedback: str
    satisfaction: int
    visited_by: str
    visited_at: ChinaTime


class DecisionOut(BaseModel):
    """CMP-5: the decision level's decision (产品质量投诉处理制度 三.4)."""

    recall: bool
    crisis_handling: bool
    reason: str
    decided_by: str
    decided_by_name: str | None = None
    decided_at: ChinaTime


class IncidentRef(BaseModel):
    """The incident the complaint opened on classification, as far as its events have arrived."""

    id: uuid.UUID
    level: str
    problem_level: str | None
    status: str


class ComplaintOut(Out):
    id: uuid.UUID
    complaint_no: str
    kind: ComplaintKind
    service_aspect: ServiceAspect | None
    severity: Severity
    channel: Channel
    status: ComplaintStatus
    customer_id: str | None
    # The customer's tier in intake's copy at receipt; customer_known false: the id was not in that
    # copy (crm's events may not have arrived yet), and the severity was decided without a tier.
    customer_tier: str | None = None
    customer_known: bool | None = None
    warnings: list[str] = []
    complainant: Complainant
    complainant_masked: bool = Field(
        False, description="the complainant's personal data is masked for this reader (see the service README)"
    )
    product: Product | None
    circumstances: str | None
    description: str
    received_at: ChinaTime
    investigate_by: ChinaTime
    reply_by: ChinaTime
    calendar_estimated: bool
    recorded_by: str
    owner: str
    escalated_to_decision_level: bool
    severity_reason: str | None
    overdue: bool
    overdue_stages: list[str]
    investigation_on_time: bool | None
    reply_on_time: bool | None
    allowed_actions: list[str]
    reply: ReplyOut | None
    return_visit: ReturnVisitOut | None
    rejection_reason: str | None
    decision: DecisionOut | None = None
    incident: IncidentRef | None = None
    investigation_started_at: ChinaTime | None
    replied_at: ChinaTime | None
    closed_at: ChinaTime | None
    created_at: ChinaTime
    updated_at: ChinaTime

    @model_validator(mode="before")
    @classmethod
    def as_read(cls, source: Any, info: ValidationInfo) -> Any:
        """A complaint as its reader sees it now: the CMP-3 stages it is late for and whether its steps
        were on time, the CMP-4 actions its status allows, the complainant masked for a reader who may
        not see personal data, its product and incident as objects."""
        if not isinstance(source, Complaint):
            return source
        reading = reading_of(info)
        late = overdue_stages(source.status, source.investigate_by, source.reply_by, reading.now)
        masked = reading.reader is not None and not sees_personal_data(
            reading.reader.roles, reading.reader.sub, source.owner, source.severity
        )
        return {
            **attributes_of(source, cls),
            "warnings": customer_warnings(source.customer_id, source.customer_known),
            "complainant": masked_complainant(source.complainant) if masked else source.complainant,
            "complainant_masked": masked,
            "product": product_of(source),
            "incident": incident_of(source),
            "overdue": bool(late),
            "overdue_stages": late,
            "investigation_on_time": on_time(source.investigation_started_at, source.investigate_by),
            "reply_on_time": on_time(source.replied_at, source.reply_by),
            "allowed_actions": allowed_actions(source.status),
        }


def product_of(complaint: Complaint) -> dict[str, Any] | None:
    if not complaint.product_model:
        return None
    return {
        "model": complaint.product_model,
        "name": complaint.product_name,
        "quantity": complaint.product_quantity,
        "batch_no": complaint.batch_no,
        "production_date": complaint.production_date,
        "purchase_place": complaint.purchase_place,
    }


def incident_of(complaint: Complaint) -> dict[str, Any] | None:
    if not complaint.incident_id:
        return None
    return {
        "id": complaint.incident_id,
        "level": complaint.incident_level,
        "problem_level": complaint.incident_problem_level,
        "status": complaint.incident_status,
    }


ComplaintPage = Page[ComplaintOut]


class ComplaintQuery(ListQuery):
    """The filters of ``GET /v1/complaints`` (CMP-3 overdue, CMP-5 escalated, SPEC §12 search)."""

    status: list[ComplaintStatus] | None = Field(None, max_length=6)
    kind: ComplaintKind | None = None
    customer_id: TextFilter = None
    severity: Severity | None = None
    owner: TextFilter = None
    model: TextFilter = None
    batch_no: TextFilter = None
    received_from: ChinaTime | None = None
    received_to: ChinaTime | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    q: TextFilter = None
    number: TextFilter = None
    complainant: TextFilter = None
    phone: TextFilter = None


class ComplaintSummary(Out):
    """CMP-6: one compared complaint."""

    id: uuid.UUID
    complaint_no: str
    status: ComplaintStatus
    severity: Severity
    customer_id: str | None
    model: str | None = Field(validation_alias="product_model")
    batch_no: str | None
    production_date: Day | None
    quantity: int | None = Field(validation_alias="product_quantity")
    description: str
    received_at: ChinaTime


class Comparison(BaseModel):
    """CMP-6 同批产品投诉对比 / 同类投诉对比 within 90 days of this complaint's receipt."""

    complaint_id: uuid.UUID
    model: str | None
    batch_no: str | None
    window_from: ChinaTime
    window_to: ChinaTime
    same_batch: list[ComplaintSummary]
    same_batch_count: int
    same_batch_quantity: int
    same_model: list[ComplaintSummary]
    same_model_count: int


class HistoryEntry(Out):
    at: ChinaTime
    actor: str
    actor_name: str | None
    action: str
    changes: dict[str, Any]


class History(Page[HistoryEntry]):
    """CMP-8: every change, oldest first."""


# Action bodies (CMP-4, CMP-7)


class InvestigateIn(Strict):
    note: Annotated[str, Field(max_length=4000)] | None = None


class ReplyIn(Strict):
    """CMP-4 处理书面文件: cause, resolution and improvement, signed by the quality-department head."""

    cause: Text
    resolution: Text
    improvement: Text
    signed_by: Short | None = None


class ReturnVisitIn(Strict):
    """CMP-4 回访: the customer's feedback and satisfaction 1–5."""

    feedback: Text
    satisfaction: Annotated[int, Field(strict=True, ge=1, le=5), WHOLE]


class CloseIn(Strict):
    summary: Annotated[str, Field(max_length=4000)] | None = None


class RejectIn(Strict):
    """CMP-4 投诉不成立, with the reason given to the customer."""

    reason: Text


class EscalateIn(Strict):
    """CMP-5: the quality department judges the complaint serious; the decision level decides on recall."""

    reason: Text


class SeverityIn(Strict):
    """CMP-5 (rev. 2026-12): the quality manager sets the severity, with the reason kept in history."""

    severity: Severity
    reason: Text


class DecisionIn(Strict):
    """CMP-5: whether to start a product recall (产品回收) and crisis handling (企业危机处理), and why."""

    recall: Annotated[bool, Field(strict=True)]
    crisis_handling: Annotated[bool, Field(strict=True)]
    reason: Text


class HandoverIn(Strict):
    """CMP-7 首问负责制: the owner hands the complaint to a named colleague."""

    to: Short
    to_name: Short | None = None
    note: Annotated[str, Field(max_length=4000)] | None = None


class Recomputed(BaseModel):
    """How many waiting complaints got new CMP-3 deadlines."""

    recomputed: int
