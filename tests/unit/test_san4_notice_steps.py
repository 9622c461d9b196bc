"""SAN-4: draft → issued → stamped → summarized, or withdrawn; disputes go to administration."""

import pytest

from services.sanctions.notices.rules import (
    DisputeStatus,
    Status,
    TransitionError,
    check_decidable,
    check_disputable,
    next_status,
)
from shared.events import REGISTRY, topics


@pytest.mark.parametrize(
    ("action", "current", "target"),
    [
        ("issue", Status.DRAFT, Status.ISSUED),
        ("stamp", Status.ISSUED, Status.STAMPED),
        ("withdraw", Status.DRAFT, Status.WITHDRAWN),
        ("withdraw", Status.ISSUED, Status.WITHDRAWN),
        ("withdraw", Status.STAMPED, Status.WITHDRAWN),
        ("withdraw", Status.SUPERSEDED, Status.WITHDRAWN),
    ],
)
def test_san4_allowed_steps(action: str, current: Status, target: Status) -> None:
    assert next_status(action, current) is target


@pytest.mark.parametrize(
    ("action", "current"),
    [
        ("issue", Status.ISSUED),
        ("issue", Status.SUPERSEDED),
        ("issue", Status.WITHDRAWN),
        ("stamp", Status.DRAFT),
        ("stamp", Status.STAMPED),
        ("withdraw", Status.SUMMARIZED),
        ("withdraw", Status.WITHDRAWN),
    ],
)
def test_san4_refused_steps(action: str, current: Status) -> None:
    with pytest.raises(TransitionError):
        next_status(action, current)


@pytest.mark.parametrize("status", [Status.ISSUED, Status.STAMPED])
def test_san4_an_issued_or_stamped_notice_can_be_disputed(status: Status) -> None:
    check_disputable(status, None)


@pytest.mark.parametrize("decided", [DisputeStatus.UPHELD, DisputeStatus.AMENDED])
def test_san4_a_decided_dispute_cannot_be_reopened(decided: DisputeStatus) -> None:
    with pytest.raises(TransitionError) as refused:
        check_disputable(Status.STAMPED, decided)
    assert refused.value.code == "dispute_decided"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUMMARIZED, Status.WITHDRAWN, Status.SUPERSEDED])
def test_san4_only_an_issued_notice_can_be_disputed(status: Status) -> None:
    with pytest.raises(TransitionError):
        check_disputable(status, None)


def test_san4_one_dispute_at_a_time() -> None:
    with pytest.raises(TransitionError):
        check_disputable(Status.ISSUED, DisputeStatus.OPEN)


def test_san4_administration_decides_only_an_open_dispute() -> None:
    check_decidable(DisputeStatus.OPEN)
    with pytest.raises(TransitionError):
        check_decidable(DisputeStatus.UPHELD)


@pytest.mark.parametrize(
    "event_type",
    [
        "qms.sanctions.notice.issued.v1",
        "qms.sanctions.notice.stamped.v1",
        "qms.sanctions.notice.withdrawn.v1",
        "qms.sanctions.notice.superseded.v1",
        "qms.sanctions.notice.restored.v1",
        "qms.sanctions.notice.amended.v1",
        "qms.sanctions.notice.disputed.v1",
        "qms.sanctions.notice.dispute_decided.v1",
    ],
)
def test_san4_every_notice_step_is_an_event_on_the_notices_topic(event_type: str) -> None:
    assert REGISTRY[event_type].TOPIC == topics.NOTICES
