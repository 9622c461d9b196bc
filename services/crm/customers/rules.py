"""CRM-1 tiers and CRM-2 ownership as pure code (大客户分级标准, 管理归属)."""

from collections.abc import Mapping
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
