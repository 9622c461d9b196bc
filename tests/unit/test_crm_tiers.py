"""CRM-1 tiers and CRM-2 ownership as pure code: every boundary from both sides."""

from decimal import Decimal

import pytest

from services.crm.customers.rules import (
    OwnerLevel,
    Tier,
    latest_revenue,
    ownership_of,
    tier_for,
    vip_threshold,
)

D = Decimal


@pytest.mark.parametrize(
    ("revenue", "tier"),
    [
        ("0.00", Tier.NONE),
        ("9999.99", Tier.NONE),
        ("10000.00", Tier.VIP),
        ("10000.01", Tier.VIP),
        ("199999.99", Tier.VIP),
        ("200000.00", Tier.GOLD),
        ("200000.01", Tier.GOLD),
        ("1999999.99", Tier.GOLD),
        ("2000000.00", Tier.PLATINUM),
        ("2000000.01", Tier.PLATINUM),
        ("4999999.99", Tier.PLATINUM),
        ("5000000.00", Tier.DIAMOND),
        ("5000000.01", Tier.DIAMOND),
        ("999999999999.99", Tier.DIAMOND),
    ],
)
def test_crm1_group1_thresholds_are_inclusive_below_and_exclusive_above(revenue: str, tier: Tier) -> None:
    assert tier_for(D(revenue), 1, False).tier is tier


@pytest.mark.parametrize(
    ("group", "revenue", "tier"),
    [
        (2, "8999.99", Tier.NONE),
        (2, "9000.00", Tier.VIP),
        (2, "9999.99", Tier.VIP),
        (3, "7999.99", Tier.NONE),
        (3, "8000.00", Tier.VIP),
        (3, "9000.00", Tier.VIP),
    ],
)
def test_crm1_groups_2_and_3_lower_the_vip_entry_by_their_coefficient(group: int, revenue: str, tier: Tier) -> None:
    assert tier_for(D(revenue), group, False).tier is tier


@pytest.mark.parametrize("group", [2, 3])
@pytest.mark.parametrize(
    ("revenue", "tier"),
    [
        ("199999.99", Tier.VIP),
        ("200000.00", Tier.GOLD),
        ("1999999.99", Tier.GOLD),
        ("2000000.00", Tier.PLATINUM),
        ("4999999.99", Tier.PLATINUM),
        ("5000000.00", Tier.DIAMOND),
    ],
)
def test_crm1_coefficient_leaves_gold_platinum_and_diamond_thresholds_alone(
    group: int, revenue: str, tier: Tier
) -> None:
    assert tier_for(D(revenue), group, False).tier is tier


def test_crm1_group1_is_not_scaled() -> None:
    assert vip_threshold(1) == D("10000")


def test_crm1_configured_coefficient_replaces_the_default() -> None:
    coefficients = {1: D("1"), 2: D("0.85"), 3: D("0.9")}
    assert vip_threshold(2, coefficients) == D("8500.00")
    assert tier_for(D("8499.99"), 2, False, coefficients).tier is Tier.NONE
    assert tier_for(D("8500.00"), 2, False, coefficients).tier is Tier.VIP
    assert tier_for(D("8999.99"), 3, False, coefficients).tier is Tier.NONE


@pytest.mark.parametrize("revenue", ["0.00", "9999.99", "150000.00", "2500000.00"])
def test_crm1_provincial_designation_makes_diamond_regardless_of_revenue(revenue: str) -> None:
    decision = tier_for(D(revenue), 3, True)
    assert decision.tier is Tier.DIAMOND
    assert "designated" in decision.reason


def test_crm1_reason_names_the_threshold_reached() -> None:
    assert tier_for(D("2500000.00"), 1, False).reason == "annual revenue 2500000.00 >= 2000000.00"


def test_crm1_the_latest_year_on_record_decides() -> None:
    assert latest_revenue({2025: D("6000000"), 2026: D("50000")}) == (2026, D("50000"))
    assert latest_revenue({}) is None


@pytest.mark.parametrize(
    ("tier", "level", "approved_by", "monitored_by"),
    [
        (Tier.DIAMOND, OwnerLevel.PROVINCIAL, OwnerLevel.PROVINCIAL, None),
        (Tier.PLATINUM, OwnerLevel.CITY, OwnerLevel.PROVINCIAL, OwnerLevel.PROVINCIAL),
        (Tier.GOLD, OwnerLevel.CITY, OwnerLevel.CITY, None),
        (Tier.VIP, OwnerLevel.COUNTY, OwnerLevel.CITY, None),
        (Tier.NONE, OwnerLevel.LOCAL, None, None),
    ],
)
def test_crm2_ownership_by_tier(
    tier: Tier, level: OwnerLevel, approved_by: OwnerLevel | None, monitored_by: OwnerLevel | None
) -> None:
    ownership = ownership_of(tier)
    assert (ownership.level, ownership.approved_by, ownership.monitored_by) == (level, approved_by, monitored_by)


@pytest.mark.parametrize("tier", list(Tier))
def test_crm2_day_to_day_maintenance_is_always_local(tier: Tier) -> None:
    assert ownership_of(tier).daily_maintenance is OwnerLevel.LOCAL
