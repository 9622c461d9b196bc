"""The working-day calendar (SPEC preamble, CMP-3, CRM-6)."""

from datetime import date

from shared.workcalendar import WorkingCalendar, YearCalendar, library_year


def test_first_working_day_after_national_day_eve_skips_the_holiday_week() -> None:
    assert WorkingCalendar().add_working_days(date(2026, 9, 30), 1).day == date(2026, 10, 8)


def test_make_up_saturday_counts_as_a_working_day() -> None:
    assert WorkingCalendar().add_working_days(date(2026, 10, 9), 1).day == date(2026, 10, 10)


def test_known_year_is_not_estimated() -> None:
    assert WorkingCalendar().add_working_days(date(2026, 6, 1), 2).estimated is False


def test_year_without_data_counts_monday_to_friday_and_is_estimated() -> None:
    found = WorkingCalendar().add_working_days(date(2031, 1, 3), 1)  # a Friday
    assert found.day == date(2031, 1, 6)
    assert found.estimated is True


def test_loaded_year_overrides_the_guess() -> None:
    year = YearCalendar(2031, holidays=frozenset({date(2031, 1, 6)}), makeup_workdays=frozenset({date(2031, 1, 4)}))
    found = WorkingCalendar({2031: year}).add_working_days(date(2031, 1, 3), 1)
    assert found.day == date(2031, 1, 4)
    assert found.estimated is False


def test_third_working_day_of_october_2026_is_the_make_up_saturday() -> None:
    assert WorkingCalendar().nth_working_day_of_month(2026, 10, 3).day == date(2026, 10, 10)


def test_first_working_day_of_a_month_starting_on_a_working_day_is_that_day() -> None:
    assert WorkingCalendar().nth_working_day_of_month(2026, 12, 1).day == date(2026, 12, 1)


def test_calendar_a_library_year_lists_its_statutory_holidays_and_make_up_days() -> None:
    known = library_year(2026)

    assert known is not None
    assert {date(2026, 10, 1), date(2026, 10, 7)} <= known.holidays
    assert date(2026, 10, 10) in known.makeup_workdays
    assert all(day.weekday() >= 5 for day in known.makeup_workdays)
    assert library_year(2099) is None
