"""A complaint shows the incident it opened: of the incident events of one fetched batch, the one a
one-by-one application would leave wins — the newest, and of equal times the later."""

import uuid
from datetime import UTC, datetime, timedelta

from services.intake.complaints.rules import IncidentLink, newest_links

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
INCIDENT = uuid.UUID("6f1d2c3b-0000-4000-8000-000000000001")


def link(complaint: str, status: str, at: datetime) -> IncidentLink:
    return IncidentLink(uuid.UUID(complaint), INCIDENT, "general", None, status, at)


FIRST = "00000000-0000-4000-8000-000000000001"
SECOND = "00000000-0000-4000-8000-000000000002"


def test_an_older_event_later_in_the_batch_does_not_replace_a_newer_one() -> None:
    newer, older = link(FIRST, "escalated", AT), link(FIRST, "open", AT - timedelta(seconds=5))
    assert newest_links([newer, older]) == [newer]


def test_of_two_events_with_the_same_time_the_later_one_wins() -> None:
    first, second = link(FIRST, "open", AT), link(FIRST, "closed", AT)
    assert newest_links([first, second]) == [second]


def test_each_complaint_keeps_its_own_newest_link_in_complaint_order() -> None:
    second = link(SECOND, "open", AT)
    first = link(FIRST, "closed", AT + timedelta(seconds=1))
    assert newest_links([second, link(FIRST, "open", AT), first]) == [first, second]
