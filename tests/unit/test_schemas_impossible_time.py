"""CMP-2, REP-1, RET-1: a reported day or time is refused ahead of now or before 2000, the same way."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.schemas import FUTURE_TOLERANCE, impossible_time, in_the_future


def test_cmp2_a_time_within_the_clock_tolerance_is_possible() -> None:
    assert impossible_time("received_at", datetime.now(UTC) + FUTURE_TOLERANCE - timedelta(minutes=5)) is None


def test_cmp2_a_time_beyond_the_clock_tolerance_lies_in_the_future() -> None:
    ahead = datetime.now(UTC) + FUTURE_TOLERANCE + timedelta(minutes=5)
    assert impossible_time("at", ahead) == "at lies in the future"


def test_cmp2_a_day_after_tomorrow_lies_in_the_future() -> None:
    assert impossible_time("at", datetime.now(UTC).date() + timedelta(days=2)) == "at lies in the future"


@pytest.mark.parametrize("at", [datetime(1999, 12, 31, 23, 59, tzinfo=UTC), date(1999, 12, 31)])
def test_cmp2_a_day_or_time_before_2000_is_impossible(at: date | datetime) -> None:
    assert impossible_time("at", at) == "at is before 2000"


def test_ret1_tomorrow_is_within_the_tolerance_of_a_day() -> None:
    assert not in_the_future(datetime.now(UTC).date() + timedelta(days=1))
