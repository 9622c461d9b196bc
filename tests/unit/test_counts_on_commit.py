"""Business counters of a consumer transaction count what was committed, once (dashboards read them)."""

import pytest
from prometheus_client import CollectorRegistry, Counter

from shared.observability import count_when_committed, counted_on_commit, uncounted_on_error


@pytest.fixture
def applied() -> Counter:
    return Counter("probe_applied", "probe", registry=CollectorRegistry())


def value(counter: Counter) -> float:
    return counter._value.get()


def test_outside_a_consumer_transaction_a_count_is_made_at_once(applied: Counter) -> None:
    count_when_committed(applied, 2)
    assert value(applied) == 2


def test_a_count_waits_for_the_end_of_its_transaction(applied: Counter) -> None:
    with counted_on_commit():
        count_when_committed(applied)
        assert value(applied) == 0
    assert value(applied) == 1


def test_a_transaction_that_fails_counts_nothing(applied: Counter) -> None:
    with pytest.raises(ValueError), counted_on_commit():
        count_when_committed(applied)
        raise ValueError("commit refused")
    assert value(applied) == 0


def test_a_savepoint_rolled_back_drops_only_its_own_counts(applied: Counter) -> None:
    with counted_on_commit():
        count_when_committed(applied)
        with pytest.raises(ValueError), uncounted_on_error():
            count_when_committed(applied, 5)
            raise ValueError("event refused")
        count_when_committed(applied)
    assert value(applied) == 2
