"""CMP-3: investigate within 1 working day, reply within 2, on the working-day calendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.intake.complaints.rules import complaint_number, on_time, overdue_stages, sla_deadlines
from shared.workcalendar import CHINA, WorkingCalendar, YearCalendar


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


def test_cmp3_make_up_saturday_counts_as_a_working_day() -> None:
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休).
    deadlines = sla_deadlines(datetime(2026, 10, 9, 15, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2026-10-10"
    assert deadlines.reply_by.date().isoformat() == "2026-10-12"


def test_cmp3_ordinary_weekend_is_skipped() -> None:
    deadlines = sla_deadlines(datetime(2026, 11, 27, 10, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2026-11-30"
    assert deadlines.reply_by.date().isoformat() == "2026-12-01"


def test_cmp3_year_without_data_counts_monday_to_friday() -> None:
    # 2027 is not in the library yet: Friday 2027-01-01 would be New Year's Day, but unknown.
    deadlines = sla_deadlines(datetime(2027, 1, 1, 10, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2027-01-04"
    assert deadlines.reply_by.date().isoformat() == "2027-01-05"
    assert deadlines.calendar_estimated is True


def test_cmp3_deadline_crossing_into_a_year_without_data_is_estimated() -> None:
    deadlines = sla_deadlines(datetime(2026, 12, 31, 10, 0, tzinfo=CHINA), WorkingCalendar())
    assert deadlines.investigate_by.date().isoformat() == "2027-01-01"
    assert deadlines.calendar_estimated is True


def test_cmp3_loaded_year_replaces_the_estimate() -> None:
    loaded = YearCalendar(
        2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),
        makeup_workdays=frozenset({date(2027, 1, 2)}),
    )
    deadlines = sla_deadlines(datetime(2026, 12, 31, 10, 0, tzinfo=CHINA), WorkingCalendar({2027: loaded}))
    assert deadlines.investigate_by.date().isoformat() == "2027-01-02"
    assert deadlines.reply_by.date().isoformat() == "2027-01-05"
    assert deadlines.calendar_estimated is False


def test_cmp3_received_complaint_past_investigate_by_is_overdue_for_investigation() -> None:
    due = datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    late = overdue_stages("received", due, due + timedelta(days=1), due + timedelta(seconds=1))
    assert late == ["investigate"]


def test_cmp3_investigating_complaint_is_overdue_only_after_reply_by() -> None:
    investigate_by = datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    reply_by = investigate_by + timedelta(days=1)
    assert overdue_stages("investigating", investigate_by, reply_by, reply_by) == []
    assert overdue_stages("investigating", investigate_by, reply_by, reply_by + timedelta(seconds=1)) == ["reply"]


def test_cmp3_untouched_complaint_past_both_deadlines_misses_both() -> None:
    investigate_by = datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    reply_by = investigate_by + timedelta(days=1)
    assert overdue_stages("received", investigate_by, reply_by, reply_by + timedelta(hours=1)) == [
        "investigate",
        "reply",
    ]


def test_cmp3_replied_complaint_is_never_overdue() -> None:
    investigate_by = datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    later = investigate_by + timedelta(days=30)
    for status in ("replied", "visited", "closed", "rejected"):
        assert overdue_stages(status, investigate_by, investigate_by, later) == []


def test_cmp3_step_done_by_its_deadline_is_on_time() -> None:
    due = datetime(2026, 11, 25, 23, 59, 59, tzinfo=CHINA)
    assert on_time(due, due) is True
    assert on_time(due + timedelta(seconds=1), due) is False
    assert on_time(None, due) is None
