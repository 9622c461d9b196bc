"""Events crm produces (SPEC §1, CRM-3, CRM-7)."""

from datetime import datetime
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
