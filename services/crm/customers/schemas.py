"""Customer shapes of SPEC §8 (CRM-1…CRM-4, CRM-7)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, StrictBool, model_validator

from services.crm.complaints.schemas import ComplaintSummary
from services.crm.customers.models import Customer
from services.crm.customers.rules import OwnerLevel, Tier, ownership_of
from shared.http.inputs import EMAIL
from shared.schemas import (
    ChinaTime,
    Day,
    ListQuery,
    MoneyIn,
    MoneyOut,
    Out,
    Page,
    Short,
    Strict,
    TextFilter,
    attributes_of,
)

Place = Annotated[str, Field(min_length=1, max_length=100)]
Factor = Annotated[str, Field(min_length=1, max_length=50)]


class RegionIn(Strict):
    province: Place
    city: Place | None = None
    county: Place | None = None
    revenue_group: int = Field(1, ge=1, le=3)


class ContactIn(Strict):
    """Whom the company deals with at the customer, and how to reach them."""

    person: Short | None = None
    phone: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    email: Annotated[str, Field(max_length=200, pattern=EMAIL)] | None = None
    address: Annotated[str, Field(min_length=1, max_length=500)] | None = None


NEVER_NULL = ("name", "region", "annual_revenue", "provincial_designated")


class CustomerIn(Strict):
    """PUT sets the fields the body gives; a field left out keeps its stored value (on a new customer:
    its default), and ``null`` clears an optional one. ``name`` and ``region`` are required for a new
    customer; ``name``, ``region``, ``annual_revenue`` and ``provincial_designated`` are never null."""

    name: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    region: RegionIn | None = None
    contact: ContactIn | None = Field(None, description="contact data; null clears it")
    annual_revenue: MoneyIn | None = Field(None, description="erp or admin_dept (SPEC §7)")
    revenue_year: int | None = Field(
        None, ge=2000, le=2100, description="the year of annual_revenue; defaults to the current year (China)"
    )
    provincial_designated: StrictBool | None = Field(None, description="admin_dept only (SPEC §7); default false")
    sales_owner: Short | None = Field(
        None, description="the sales rep who owns the customer (fees, statements); sales_manager or admin_dept"
    )
    regional_sales_rep: Short | None = Field(
        None,
        description="本地区的负责业务员; may not do the customer's visits (CRM-5); defaults to sales_owner; "
        "sales_manager or admin_dept",
    )
    nature: Factor | None = Field(None, description="CRM-4 factor, an option of the scoring table")
    scale: Factor | None = None
    trend: Factor | None = None
    contract_signed_on: Day | None = Field(None, description="CRM-6: special fees only before this day")

    @model_validator(mode="after")
    def required_facts_are_not_null(self) -> Self:
        cleared = sorted(
            field for field in NEVER_NULL if field in self.model_fields_set and getattr(self, field) is None
        )
        if cleared:
            raise ValueError(f"{', '.join(cleared)} may be left out but not null")
        if self.revenue_year is not None and self.annual_revenue is None:
            raise ValueError("revenue_year is the year of annual_revenue and comes with it")
        return self

    def given(self) -> dict[str, object]:
        """The customer fields this body sets, as comparable values."""
        values: dict[str, object] = {
            field: getattr(self, field)
            for field in self.model_fields_set
            if field not in ("region", "contact", "revenue_year")
        }
        for nested in ("region", "contact"):
            if nested in self.model_fields_set:
                model = getattr(self, nested)
                values[nested] = None if model is None else model.model_dump()
        return values


class ContactOut(Out):
    person: str | None
    phone: str | None
    email: str | None
    address: str | None


class RegionOut(Out):
    province: str
    city: str | None
    county: str | None
    revenue_group: int


class OwnershipOut(Out):
    level: OwnerLevel
    approved_by: OwnerLevel | None
    monitored_by: OwnerLevel | None
    daily_maintenance: OwnerLevel


class RevenueOut(Out):
    year: int
    amount: MoneyOut


class CustomerOut(Out):
    id: str
    name: str
    region: RegionOut
    contact: ContactOut | None = None
    annual_revenue: MoneyOut
    revenue_year: int
    revenues: list[RevenueOut]
    provincial_designated: bool
    tier: Tier
    tier_reason: str
    owner_level: OwnerLevel
    ownership: OwnershipOut
    sales_owner: str | None
    regional_sales_rep: str | None
    nature: str | None
    scale: str | None
    trend: str | None
    customer_class: str | None
    class_score: int | None
    contract_signed_on: Day | None
    created_at: ChinaTime
    updated_at: ChinaTime
    complaints: ComplaintSummary | None = None

    @classmethod
    def of(
        cls, customer: Customer, revenues: Mapping[int, Decimal], complaints: ComplaintSummary | None = None
    ) -> Self:
        """The customer with what is not a column of it: its region and ownership (CRM-2, from the tier),
        its revenue per year, newest first, and, in the customer view, its complaints (CRM-7)."""
        ownership = ownership_of(Tier(customer.tier))
        return cls.model_validate(
            {
                **attributes_of(customer, cls),
                "region": customer,
                "contact": customer.contact or None,
                "revenues": [{"year": year, "amount": revenues[year]} for year in sorted(revenues, reverse=True)],
                "owner_level": ownership.level,
                "ownership": ownership,
                "complaints": complaints,
            }
        )


CustomerPage = Page[CustomerOut]


class CustomerQuery(ListQuery):
    """The filters of ``GET /v1/customers``, first id first."""

    tier: Tier | None = None
    customer_class: str | None = Field(None, alias="class", pattern="^[ABCD]$")
    province: TextFilter = None
    city: TextFilter = None
    county: TextFilter = None
    owner: TextFilter = Field(None, description="the sales owner (rep id)")
    owner_level: OwnerLevel | None = None
    q: TextFilter = Field(None, description="part of the name")


class TierChangeOut(Out):
    previous_tier: Tier | None
    tier: Tier
    owner_level: OwnerLevel
    reason: str
    annual_revenue: MoneyOut
    revenue_group: int
    provincial_designated: bool
    changed_by: str
    changed_at: ChinaTime


class TierHistory(Out):
    customer_id: str
    items: list[TierChangeOut]
