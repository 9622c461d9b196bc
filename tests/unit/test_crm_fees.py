"""CRM-6 relationship-maintenance fees: deadlines on the working-day calendar, sign-offs, limits."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from services.crm.fees.rules import (
    SignOffStep,
    StatementStatus,
    advance_within_limit,
    month_is_over,
    next_sign_off,
    payable_fee,
    special_fee_allowed,
    statement_deadlines,
    statement_status,
)
from shared.workcalendar import CHINA, WorkingCalendar, YearCalendar

D = Decimal


def test_crm6_september_2026_statement_deadlines_skip_national_day() -> None:
    deadlines = statement_deadlines(date(2026, 9, 1), WorkingCalendar())
    # 1–7 October are holidays; Saturday 10 October is a make-up working day (调休).
    assert deadlines.submit_by == datetime(2026, 10, 10, 23, 59, 59, tzinfo=CHINA)
    assert deadlines.sign_off_by == datetime(2026, 10, 16, 23, 59, 59, tzinfo=CHINA)
    assert deadlines.payable_from == datetime(2026, 10, 19, 0, 0, tzinfo=CHINA)
    assert deadlines.calendar_estimated is False


def test_crm6_ordinary_month_deadlines() -> None:
    deadlines = statement_deadlines(date(2026, 10, 1), WorkingCalendar())
    assert (deadlines.submit_by.date(), deadlines.sign_off_by.date(), deadlines.payable_from.date()) == (
        date(2026, 11, 4),
        date(2026, 11, 11),
        date(2026, 11, 12),
    )


def test_crm6_december_statement_is_due_in_january_of_the_next_year() -> None:
    loaded = WorkingCalendar({2027: YearCalendar(2027, frozenset({date(2027, 1, 1)}))})
    deadlines = statement_deadlines(date(2026, 12, 1), loaded)
    assert deadlines.submit_by.date() == date(2027, 1, 6)  # Fri 1 Jan is a holiday: 4, 5, 6
    assert deadlines.calendar_estimated is False


def test_crm6_deadlines_in_an_unknown_year_are_estimated() -> None:
    deadlines = statement_deadlines(date(2027, 12, 1), WorkingCalendar())
    assert deadlines.calendar_estimated is True


def test_crm6_statement_of_a_month_is_filed_once_it_is_over() -> None:
    assert not month_is_over(date(2026, 11, 1), datetime(2026, 11, 30, 23, 0, tzinfo=CHINA))
    assert month_is_over(date(2026, 11, 1), datetime(2026, 12, 1, 0, 0, tzinfo=CHINA))


def test_crm6_sign_offs_come_in_order_clerk_manager_finance() -> None:
    assert next_sign_off(set()) is SignOffStep.SALES_CLERK
    assert next_sign_off({"sales_clerk"}) is SignOffStep.SALES_MANAGER
    assert next_sign_off({"sales_clerk", "sales_manager"}) is SignOffStep.FINANCE
    assert next_sign_off({"sales_clerk", "sales_manager", "finance"}) is None


DEADLINE = datetime(2026, 10, 16, 23, 59, 59, tzinfo=CHINA)


def test_crm6_all_three_sign_offs_verify_the_statement() -> None:
    signed = {"sales_clerk", "sales_manager", "finance"}
    assert statement_status(signed, DEADLINE, datetime(2026, 12, 1, tzinfo=CHINA)) is StatementStatus.VERIFIED


@pytest.mark.parametrize("signed", [set(), {"sales_clerk"}, {"sales_clerk", "sales_manager"}])
def test_crm6_missing_any_sign_off_after_the_8th_working_day_is_void(signed: set[str]) -> None:
    after = datetime(2026, 10, 17, 0, 0, tzinfo=CHINA)
    assert statement_status(signed, DEADLINE, after) is StatementStatus.VOID


def test_crm6_statement_waits_for_sign_offs_until_the_deadline() -> None:
    assert statement_status({"sales_clerk"}, DEADLINE, DEADLINE) is StatementStatus.SUBMITTED


@pytest.mark.parametrize(
    ("outstanding", "amount", "allowed"),
    [
        ("0.00", "3000.00", True),
        ("0.00", "3000.01", False),
        ("2000.00", "1000.00", True),
        ("2000.01", "1000.00", False),
    ],
)
def test_crm6_advance_limit_is_3000_outstanding(outstanding: str, amount: str, allowed: bool) -> None:
    assert advance_within_limit(D(outstanding), D(amount), D("3000.00")) is allowed


@pytest.mark.parametrize(
    ("signed_on", "requested_on", "allowed"),
    [
        (None, date(2026, 11, 24), True),
        (date(2026, 11, 25), date(2026, 11, 24), True),
        (date(2026, 11, 24), date(2026, 11, 24), False),
        (date(2026, 11, 1), date(2026, 11, 24), False),
    ],
)
def test_crm6_new_customer_special_fee_only_before_the_contract_is_signed(
    signed_on: date | None, requested_on: date, allowed: bool
) -> None:
    assert special_fee_allowed(signed_on, requested_on) is allowed


@pytest.mark.parametrize(
    ("collected", "payable"),
    [("0.00", "0.00"), ("5000.00", "250.00"), ("10000.00", "500.00"), ("20000.00", "500.00"), ("3333.33", "166.66")],
)
def test_crm6_fees_are_paid_only_in_proportion_to_collected_payments(collected: str, payable: str) -> None:
    assert payable_fee(D("500.00"), D("10000.00"), D(collected)) == D(payable)
