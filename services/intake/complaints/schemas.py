"""Complaint shapes of SPEC §8 (CMP-1, CMP-2, CMP-3)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]


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
    MEDIA = "media"
    REGULATOR = "regulator"


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    REPLIED = "replied"
    VISITED = "visited"
    CLOSED = "closed"
    REJECTED = "rejected"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Complainant(Strict):
    name: Short
    phone: Annotated[str, Field(max_length=50)] | None = None
    email: Annotated[str, Field(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    other_contact: Annotated[str, Field(max_length=200)] | None = None


class Product(Strict):
    model: Short
    name: Short | None = None
    quantity: Annotated[int, Field(gt=0, le=10_000_000)] | None = None
    batch_no: Short | None = None
    production_date: date | None = None
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
    received_at: AwareDatetime

    @model_validator(mode="after")
    def kind_fields_agree(self) -> Self:
        """CMP-1: a service complaint names its aspect; a product complaint names its product."""
        if self.kind is ComplaintKind.SERVICE:
            if self.service_aspect is None:
                raise ValueError("a service complaint needs service_aspect")
            if self.product is not None:
                raise ValueError("a service complaint carries no product")
        elif self.product is None:
            raise ValueError("a product_quality complaint needs product")
        elif self.service_aspect is not None:
            raise ValueError("service_aspect belongs to service complaints only")
        return self


class ComplaintOut(BaseModel):
    id: uuid.UUID
    complaint_no: str
    kind: ComplaintKind
    service_aspect: ServiceAspect | None
    severity: Severity
    channel: Channel
    status: ComplaintStatus
    customer_id: str | None
    complainant: Complainant
    product: Product | None
    circumstances: str | None
    description: str
    received_at: datetime
    investigate_by: datetime
    reply_by: datetime
    calendar_estimated: bool
    recorded_by: str
    owner: str
    created_at: datetime
