"""CON management review: the months a stats route is asked for, and its shares (shared/stats.py)."""

from datetime import date
from decimal import Decimal

import pytest

from shared.errors import Problem
from shared.stats import month_range, percent


def test_con_the_default_range_is_the_twelve_months_up_to_this_one() -> None:
    months = month_range(None, None, date(2026, 12, 2)).months
    assert months[0] == "2026-01"
    assert months[-1] == "2026-12"
    assert len(months) == 12


def test_con_a_range_crosses_the_year_end() -> None:
    assert month_range("2025-11", "2026-02", date(2026, 12, 2)).months == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_con_a_range_ends_at_the_first_china_moment_after_its_last_month() -> None:
    months = month_range("2026-11", "2026-11", date(2026, 12, 2))
    assert months.starts.isoformat() == "2026-11-01T00:00:00+08:00"
    assert months.ends.isoformat() == "2026-12-01T00:00:00+08:00"


def test_con_a_range_longer_than_five_years_is_refused() -> None:
    with pytest.raises(Problem) as refused:
        month_range("2020-01", "2026-01", date(2026, 12, 2))
    assert refused.value.status == 422


def test_con_a_share_has_one_decimal_place_rounded_half_up() -> None:
    assert percent(187, 200) == Decimal("93.5")
    assert percent(2, 3) == Decimal("66.7")


def test_con_there_is_no_share_of_nothing() -> None:
    assert percent(0, 0) is None
