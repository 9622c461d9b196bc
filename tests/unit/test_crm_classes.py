"""CRM-4 A/B/C/D classes from the scoring table."""

from dataclasses import replace
from decimal import Decimal

import pytest

from services.crm.classes.rules import (
    DEFAULT_TABLE,
    UnknownFactor,
    classify,
    sales_points,
    table_problems,
    visit_interval_for_class,
)


def test_crm4_large_growing_distributor_with_high_sales_is_a() -> None:
    result = classify(DEFAULT_TABLE, "distributor", "large", "growing", Decimal("2500000"))
    assert (result.customer_class, result.score) == ("A", 100)


@pytest.mark.parametrize(
    ("nature", "scale", "trend", "revenue", "expected"),
    [
        ("retailer", "medium", "stable", Decimal("200000"), "B"),  # 20+20+5+20 = 65
        ("retailer", "small", "stable", Decimal("10000"), "C"),  # 20+10+5+10 = 45
        ("consumer", "small", "declining", Decimal("0"), "D"),  # 10+10+0+0 = 20
    ],
)
def test_crm4_score_falls_into_its_class(nature: str, scale: str, trend: str, revenue: Decimal, expected: str) -> None:
    assert classify(DEFAULT_TABLE, nature, scale, trend, revenue).customer_class == expected


def test_crm4_class_minimum_is_inclusive() -> None:
    table = replace(DEFAULT_TABLE, class_minimums={"A": 100, "B": 65, "C": 40})
    assert classify(table, "retailer", "medium", "stable", Decimal("200000")).customer_class == "B"
    table = replace(DEFAULT_TABLE, class_minimums={"A": 100, "B": 66, "C": 40})
    assert classify(table, "retailer", "medium", "stable", Decimal("200000")).customer_class == "C"


def test_crm4_sales_band_is_the_highest_reached() -> None:
    assert sales_points(DEFAULT_TABLE, Decimal("199999.99")) == 10
    assert sales_points(DEFAULT_TABLE, Decimal("200000.00")) == 20


def test_crm4_an_option_not_in_the_table_is_refused() -> None:
    with pytest.raises(UnknownFactor, match="nature 'alien'"):
        classify(DEFAULT_TABLE, "alien", "large", "growing", Decimal("1"))


def test_crm4_the_class_drives_visit_frequency() -> None:
    assert [visit_interval_for_class(DEFAULT_TABLE, c) for c in "ABCD"] == [1, 2, 3, 6]
    assert visit_interval_for_class(DEFAULT_TABLE, None) is None


def test_crm4_default_table_is_usable() -> None:
    assert table_problems(DEFAULT_TABLE) == []


def test_crm4_table_with_classes_out_of_order_is_refused() -> None:
    table = replace(DEFAULT_TABLE, class_minimums={"A": 50, "B": 60, "C": 40})
    assert table_problems(table) == ["class_minimums must fall strictly from A to C"]


def test_crm4_table_without_a_zero_band_is_refused() -> None:
    table = replace(DEFAULT_TABLE, sales_bands=DEFAULT_TABLE.sales_bands[:1])
    assert "sales_bands needs a band starting at 0" in table_problems(table)
