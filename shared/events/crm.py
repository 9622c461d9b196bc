"""Events crm produces (SPEC §1, CRM-3, CRM-7)."""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel

from shared.events import topics
from shared.events.registry import EventData, register


class Region(BaseModel):
    province: str
    city: str | None = None
    county: str | None = None
    revenue_group: int = 1


@register
class CustomerUpsertedV1(EventData):
    TYPE: ClassVar[str] = "qms.crm.customer.upserted.v1"
    TOPIC: ClassVar[str] = topics.CUSTOMERS
    SOURCE: ClassVar[str] = "crm"

    customer_id: str
    name: str
    tier: str
    owner_level: str
    region: Region
    annual_revenue: Decimal
    provincial_designated: bool = False
    sales_owner: str | None = None
    updated_at: datetime
    # Added for consumers that keep a fuller copy (CRM-1, CRM-4, CRM-5); all optional.
    revenue_year: int | None = None
    regional_sales_rep: str | None = None
    customer_class: str | None = None

    def subject(self) -> str:
        return self.customer_id


@register
class CustomerTierChangedV1(EventData):
    TYPE: ClassVar[str] = "qms.crm.customer.tier_changed.v1"
    TOPIC: ClassVar[str] = topics.CUSTOMERS
    SOURCE: ClassVar[str] = "crm"

    customer_id: str
    previous_tier: str | None = None
    tier: str
    owner_level: str
    reason: str
    changed_at: datetime
    # Added so a consumer can keep a readable copy from this event alone (CRM-3, CRM-7).
    name: str | None = None
    annual_revenue: Decimal | None = None
    provincial_designated: bool | None = None

    def subject(self) -> str:
        return self.customer_id


class VisitEvent(EventData):
    """A step of a customer's visit plan (CRM-5); keyed by customer id so one customer's plans, visits and
    reassignments stay in order."""

    TOPIC: ClassVar[str] = topics.VISITS
    SOURCE: ClassVar[str] = "crm"

    plan_id: str
    customer_id: str

    def subject(self) -> str:
        return self.plan_id

    def key(self) -> str:
        return self.customer_id


@register
class VisitPlannedV1(VisitEvent):
    """A customer's visit of a month is planned (月份巡回访问计划): it is due from the month's first day to
    ``due_on``, its last. ``visitor_id`` is who is expected to make it, None while nobody is named."""

    TYPE: ClassVar[str] = "qms.crm.visit.planned.v1"

    customer_name: str | None = None
    month: str
    due_on: date
    visitor_id: str | None = None
    planned_at: datetime


@register
class VisitReassignedV1(VisitEvent):
    """An open plan's expected visitor changed (the customer reassigned, or another person now visits it)."""

    TYPE: ClassVar[str] = "qms.crm.visit.reassigned.v1"

    visitor_id: str | None = None
    previous_visitor_id: str | None = None
    reassigned_at: datetime


@register
class VisitRecordedV1(EventData):
    """A visit report recorded; ``plan_id`` is the plan it fulfils, if any."""

    TYPE: ClassVar[str] = "qms.crm.visit.recorded.v1"
    TOPIC: ClassVar[str] = topics.VISITS
    SOURCE: ClassVar[str] = "crm"

    visit_id: str
    plan_id: str | None = None
    customer_id: str
    visitor_id: str
    visited_at: datetime

    def subject(self) -> str:
        return self.visit_id

    def key(self) -> str:
        return self.customer_id


class FeeStatementEvent(EventData):
    """A fee statement's sign-off state (CRM-6): the steps signed and those still pending, in order."""

    TOPIC: ClassVar[str] = topics.FEE_STATEMENTS
    SOURCE: ClassVar[str] = "crm"

    statement_id: str
    sales_rep: str
    month: str
    signed_steps: list[str]
    pending_steps: list[str]
    at: datetime

    def subject(self) -> str:
        return self.statement_id


@register
class FeeStatementSubmittedV1(FeeStatementEvent):
    TYPE: ClassVar[str] = "qms.crm.fee_statement.submitted.v1"


@register
class FeeStatementSignedOffV1(FeeStatementEvent):
    TYPE: ClassVar[str] = "qms.crm.fee_statement.signed_off.v1"

    step: str
    signer: str
