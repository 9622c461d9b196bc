"""Customer shapes of SPEC §8 (CRM-1…CRM-4, CRM-7)."""

from typing import Annotated

from pydantic import BaseModel, Field, StrictBool

from services.crm.complaints.schemas import ComplaintSummary
from services.crm.customers.rules import OwnerLevel, Tier
from services.crm.schemas import Money, MoneyIn, Short, Strict
from shared.http.times import ChinaTime, Day

Place = Annotated[str, Field(min_length=1, max_length=100)]
Factor = Annotated[str, Field(min_length=1, max_length=50)]


class RegionIn(Strict):
    province: Place
    city: Place | None = None
    county: Place | None = None
    revenue_group: int = Field(1, ge=1, le=3)


class CustomerIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=500)]
    region: RegionIn
    annual_revenue: MoneyIn
    revenue_year: int | None = Field(None, ge=2000, le=2100, description="defaults to the current year (China)")
    provincial_designated: StrictBool = False
    sales_owner: Short | None = Field(None, description="the sales rep who owns the customer (fees, statements)")
    regional_sales_rep: Short | None = Field(
        None, description="本地区的负责业务员; may not do the customer's visits (CRM-5); defaults to sales_owner"
    )
    nature: Factor | None = Field(None, description="CRM-4 factor, an option of the scoring table")
    scale: Factor | None = None
    trend: Factor | None = None
    contract_signed_on: Day | None = Field(None, description="CRM-6: special fees only before this day")


class RegionOut(BaseModel):
    province: str
    city: str | None
    county: str | None
    revenue_group: int


class OwnershipOut(BaseModel):
    level: OwnerLevel
    approved_by: OwnerLevel | None
    monitored_by: OwnerLevel | None
    daily_maintenance: OwnerLevel


class RevenueOut(BaseModel):
    year: int
    amount: Money


class CustomerOut(BaseModel):
    id: str
    name: str
    region: RegionOut
    annual_revenue: Money
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


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None = None


class TierChangeOut(BaseModel):
    previous_tier: Tier | None
    tier: Tier
    owner_level: OwnerLevel
    reason: str
    annual_revenue: Money
    revenue_group: int
    provincial_designated: bool
    changed_by: str
    changed_at: ChinaTime


class TierHistory(BaseModel):
    customer_id: str
    items: list[TierChangeOut]
