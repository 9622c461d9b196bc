"""CRM-6 relationship-maintenance fees (客情费) as pure code: deadlines, sign-offs, limits, payouts."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from shared.workcalendar import CHINA, WorkingCalendar

SUBMIT_BY_WORKING_DAY = 3  # 每月第3个工作日下班前 … 交销售文员
SIGN_OFF_BY_WORKING_DAY = 8  # 检核在第8个工作日下班前完成
PAYABLE_FROM_WORKING_DAY = 9  # 每月第9个工作日 … 开始兑付上一月的客情费
CENTS = Decimal("0.01")


class SignOffStep(StrEnum):
    """逐层检核: sales clerk, then sales manager, then finance; missing any one voids the statement."""

    SALES_CLERK = "sales_clerk"
    SALES_MANAGER = "sales_manager"
    FINANCE = "finance"


SIGN_OFF_ORDER = (SignOffStep.SALES_CLERK, SignOffStep.SALES_MANAGER, SignOffStep.FINANCE)

# CRM-6 (rev. 2026-12): 销售文员、销售部经理、财务部 are three people, each signing with their own role.
STEP_ROLES: dict[SignOffStep, str] = {
    SignOffStep.SALES_CLERK: "sales_clerk",
    SignOffStep.SALES_MANAGER: "sales_manager",
    SignOffStep.FINANCE: "finance",
}


class StatementStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for sign-offs
    VERIFIED = "verified"  # all three signed in time
    VOID = "void"  # the sign-off deadline passed without all three


@dataclass(frozen=True)
class StatementDeadlines:
    submit_by: datetime
    sign_off_by: datetime
    payable_from: datetime
    calendar_estimated: bool


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def statement_deadlines(month: date, calendar: WorkingCalendar) -> StatementDeadlines:
    """CRM-6: the statement of ``month`` is due by the end of the 3rd working day of the next month,
    signed off by the end of the 8th, and paid from the start of the 9th."""
    following = next_month(month)
    submit = calendar.nth_working_day_of_month(following.year, following.month, SUBMIT_BY_WORKING_DAY)
    sign = calendar.nth_working_day_of_month(following.year, following.month, SIGN_OFF_BY_WORKING_DAY)
    pay = calendar.nth_working_day_of_month(following.year, following.month, PAYABLE_FROM_WORKING_DAY)
    return StatementDeadlines(
        submit_by=submit.end_in_china(),
        sign_off_by=sign.end_in_china(),
        payable_from=datetime.combine(pay.day, time(0, 0), tzinfo=CHINA),
        calendar_estimated=submit.estimated or sign.estimated or pay.estimated,
    )


def month_is_over(month: date, now: datetime) -> bool:
    """A statement reports a whole past month (上一月)."""
    return now.astimezone(CHINA).date() >= next_month(month)


def next_sign_off(signed: set[str]) -> SignOffStep | None:
    for step in SIGN_OFF_ORDER:
        if step.value not in signed:
            return step
    return None


def statement_status(signed: set[str], sign_off_by: datetime, now: datetime) -> StatementStatus:
    """CRM-6: all three signatures make it valid; without them by the deadline it is void."""
    if next_sign_off(signed) is None:
        return StatementStatus.VERIFIED
    if now > sign_off_by:
        return StatementStatus.VOID
    return StatementStatus.SUBMITTED


def advance_within_limit(outstanding: Decimal, amount: Decimal, limit: Decimal) -> bool:
    """CRM-6: 每个销售代表借支限额3000元 — outstanding advances after this one stay within the limit."""
    return outstanding + amount <= limit


def special_fee_allowed(contract_signed_on: date | None, requested_on: date) -> bool:
    """CRM-6: 必须在签订合同前填写…签订合同后申请一律无效 — a request on or after the signing day is refused."""
    return contract_signed_on is None or requested_on < contract_signed_on


def payable_fee(fee_amount: Decimal, purchase_amount: Decimal, collected: Decimal) -> Decimal:
    """CRM-6: 必须实现纯销而且回款之后,才可兑现客情费 … 根据客户回款率来决定客情费兑现率.

    The fee is paid in the proportion of the purchases actually collected, never more than the fee.
    """
    if purchase_amount <= 0:
        return fee_amount if collected > 0 else Decimal("0.00")
    rate = min(Decimal(1), collected / purchase_amount)
    return (fee_amount * rate).quantize(CENTS, rounding=ROUND_DOWN)


def payable_now(deadlines: StatementDeadlines, now: datetime) -> bool:
    return now >= deadlines.payable_from
