"""CMP-3: investigate within 1 working day, reply within 2, on the working-day calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

from services.intake.complaints.rules import complaint_number, sla_deadlines
from shared.workcalendar import CHINA, WorkingCalendar


def test_cmp3_received_before_national_day_is_due_after_it() -> None:
    deadlines = sla_deadlines(datetime(2026, 9, 30, 10, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2026-10-08"
    assert deadlines.reply_by.date().isoformat() == "2026-10-09"
    assert deadlines.calendar_estimated is False


def test_cmp3_deadline_is_the_end_of_the_day_in_china() -> None:
    deadlines = sla_deadlines(datetime(2026, 11, 24, 9, 30, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by == datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)


def test_cmp3_receipt_date_is_the_local_date_in_china() -> None:
    # 17:00 UTC on Friday is 01:00 on Saturday in China: the clock starts from Saturday.
    received = datetime(2026, 11, 27, 17, 0, tzinfo=ZoneInfo("UTC"))
    deadlines = sla_deadlines(received, WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2026-11-30"


def test_cmp3_complaint_received_on_a_holiday_counts_from_the_next_working_day() -> None:
    deadlines = sla_deadlines(datetime(2026, 10, 3, 12, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2026-10-08"
    assert deadlines.reply_by.date().isoformat() == "2026-10-09"


def test_cmp3_year_without_calendar_data_is_estimated() -> None:
    deadlines = sla_deadlines(datetime(2030, 12, 31, 12, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.calendar_estimated is True


def test_cmp2_complaint_number_is_human_readable() -> None:
    assert complaint_number(datetime(2026, 11, 24).date(), 7) == "TS-20261124-0007"
