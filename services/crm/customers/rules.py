"""CRM-1 tiers and CRM-2 ownership as pure code (大客户分级标准, 管理归属)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Tier(StrEnum):
    DIAMOND = "diamond"
    PLATINUM = "platinum"
    GOLD = "gold"
    VIP = "vip"
    NONE = "none"


class OwnerLevel(StrEnum):
    PROVINCIAL = "provincial"  # 省大客户中心
    CITY = "city"  # 市局大客户中心
    COUNTY = "county"  # 县/区函件部
    LOCAL = "local"  # not a key account: only the local (属地) office looks after it


DIAMOND_MIN = Decimal("5000000")
PLATINUM_MIN = Decimal("2000000")
GOLD_MIN = Decimal("200000")
VIP_MIN = Decimal("10000")

DEFAULT_VIP_COEFFICIENTS: Mapping[int, Decimal] = {1: Decimal("1"), 2: Decimal("0.9"), 3: Decimal("0.8")}
REVENUE_GROUPS = (1, 2, 3)


@dataclass(frozen=True)
class TierDecision:
    tier: Tier
    reason: str


def vip_threshold(revenue_group: int, coefficients: Mapping[int, Decimal] = DEFAULT_VIP_COEFFICIENTS) -> Decimal:
    """CRM-1: only the VIP entry threshold (1万元) is multiplied for revenue groups 2 and 3.

    The policy scales "this standard" — the VIP one; the 20万 upper bound is gold's own threshold and
    stays, otherwise revenue between 16万 and 20万 in group 3 would belong to no tier.
    """
    return VIP_MIN * coefficients.get(revenue_group, Decimal("1"))


def tier_for(
    annual_revenue: Decimal,
    revenue_group: int,
    provincial_designated: bool,
    coefficients: Mapping[int, Decimal] = DEFAULT_VIP_COEFFICIENTS,
) -> TierDecision:
    """CRM-1: thresholds are inclusive below (含), exclusive above; designation makes diamond."""
    if annual_revenue >= DIAMOND_MIN:
        return TierDecision(Tier.DIAMOND, f"annual revenue {annual_revenue:.2f} >= {DIAMOND_MIN:.2f}")
    if provincial_designated:
        return TierDecision(Tier.DIAMOND, "designated by the provincial company")
    if annual_revenue >= PLATINUM_MIN:
        return TierDecision(Tier.PLATINUM, f"annual revenue {annual_revenue:.2f} >= {PLATINUM_MIN:.2f}")
    if annual_revenue >= GOLD_MIN:
        return TierDecision(Tier.GOLD, f"annual revenue {annual_revenue:.2f} >= {GOLD_MIN:.2f}")
    threshold = vip_threshold(revenue_group, coefficients)
    if annual_revenue >= threshold:
        return TierDecision(
            Tier.VIP, f"annual revenue {annual_revenue:.2f} >= {threshold:.2f} (revenue group {revenue_group})"
        )
    return TierDecision(
        Tier.NONE, f"annual revenue {annual_revenue:.2f} < {threshold:.2f} (revenue group {revenue_group})"
    )


@dataclass(frozen=True)
class Ownership:
    level: OwnerLevel
    approved_by: OwnerLevel | None  # 审定
    monitored_by: OwnerLevel | None  # 统筹监控
    daily_maintenance: OwnerLevel = OwnerLevel.LOCAL  # 日常的维护工作按属地管理原则执行


OWNERSHIP: Mapping[Tier, Ownership] = {
    Tier.DIAMOND: Ownership(OwnerLevel.PROVINCIAL, approved_by=OwnerLevel.PROVINCIAL, monitored_by=None),
    Tier.PLATINUM: Ownership(OwnerLevel.CITY, approved_by=OwnerLevel.PROVINCIAL, monitored_by=OwnerLevel.PROVINCIAL),
    Tier.GOLD: Ownership(OwnerLevel.CITY, approved_by=OwnerLevel.CITY, monitored_by=None),
    Tier.VIP: Ownership(OwnerLevel.COUNTY, approved_by=OwnerLevel.CITY, monitored_by=None),
    Tier.NONE: Ownership(OwnerLevel.LOCAL, approved_by=None, monitored_by=None),
}


def ownership_of(tier: Tier) -> Ownership:
    """CRM-2: who develops and maintains a customer of this tier."""
    return OWNERSHIP[tier]


def latest_revenue(revenues: Mapping[int, Decimal]) -> tuple[int, Decimal] | None:
    """CRM-1 uses the annual revenue of the most recent year on record."""
    if not revenues:
        return None
    year = max(revenues)
    return year, revenues[year]


# SPEC §7 (rev. 2026-12): who may set which field of a customer. A field the caller may not set is
# accepted only when it repeats the stored value (on a new customer: the value it would get anyway).
CUSTOMER_FIELDS = (
    "name",
    "region",
    "contact",
    "annual_revenue",
    "provincial_designated",
    "sales_owner",
    "regional_sales_rep",
    "nature",
    "scale",
    "trend",
    "contract_signed_on",
)
CONTACT_AND_REGION = frozenset({"name", "region", "contact"})
# What a customer is worth to the company and what was agreed with it: the CRM-4 class factors
# (they set how often the customer is visited) and the contract date (CRM-6: no special fee after it).
COMMERCIAL = frozenset({"nature", "scale", "trend", "contract_signed_on"})
FIELD_SETTERS: Mapping[str, frozenset[str]] = {
    "admin_dept": frozenset(CUSTOMER_FIELDS),
    "erp": CONTACT_AND_REGION | {"annual_revenue"},
    "sales_manager": CONTACT_AND_REGION | COMMERCIAL | {"sales_owner", "regional_sales_rep"},
    "sales": CONTACT_AND_REGION,
}
# A rep records the commercial facts of their own customer once; changing them later is the manager's.
SET_ONCE_SETTERS: Mapping[str, frozenset[str]] = {"sales": COMMERCIAL}
# Everyone else who writes customers writes only the customers they own.
ANY_CUSTOMER_WRITERS = frozenset({"admin_dept", "erp", "sales_manager"})


def may_set(roles: Iterable[str], field: str, stored: object) -> bool:
    """Whether one of ``roles`` may give ``field`` a new value, ``stored`` being its value now."""
    for role in roles:
        if field in FIELD_SETTERS.get(role, ()):
            return True
        if stored is None and field in SET_ONCE_SETTERS.get(role, ()):
            return True
    return False


def fields_not_permitted(roles: Iterable[str], stored: Mapping[str, object], wanted: Mapping[str, object]) -> list[str]:
    """Every field of ``wanted`` that changes its ``stored`` value although none of ``roles`` may."""
    held = list(roles)
    return [
        field
        for field in CUSTOMER_FIELDS
        if field in wanted and wanted[field] != stored.get(field) and not may_set(held, field, stored.get(field))
    ]


def writes_own_customers_only(roles: Iterable[str]) -> bool:
    return not ANY_CUSTOMER_WRITERS.intersection(roles)
