"""CMP-6 same-batch comparison window."""

from datetime import datetime, timedelta

from services.intake.complaints.rules import comparison_window
from shared.workcalendar import CHINA


def test_cmp6_comparison_covers_90_days_either_side_of_receipt() -> None:
    received = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA)
    start, end = comparison_window(received)
    assert received - start == timedelta(days=90)
    assert end - received == timedelta(days=90)
