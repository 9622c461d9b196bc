"""CMP-2, REP-1, RET-1: a reported day or time is refused ahead of now or before 2000, the same way."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.schemas import FUTURE_TOLERANCE, impossible_time, in_the_future


def test_cmp2_a_time_within_the_clock_tolerance_is_possible() -> None:
    assert impossible_time("received_at", datetime.now(UTC) + FUTURE_TOLERANCE - timedelta(minutes=5)) is None


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        (datetime.now(UTC) + FUTURE_TOLERANCE + timedelta(minutes=5), "at lies in the future"),
        (datetime(1999, 12, 31, 23, 59, tzinfo=UTC), "at is before 2000"),
        (datetime.now(UTC).date() + timedelta(days=2), "at lies in the future"),
        (date(1999, 12, 31), "at is before 2000"),
    ],
)
def test_cmp2_a_time_ahead_of_now_or_before_2000_is_impossible(at: date | datetime, problem: str) -> None:
    assert impossible_time("at", at) == problem


def test_ret1_tomorrow_is_within_the_tolerance_of_a_day() -> None:
    assert not in_the_future(datetime.now(UTC).date() + timedelta(days=1))
