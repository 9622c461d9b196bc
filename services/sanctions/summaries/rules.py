"""SAN-5 as pure code: which month a notice belongs to and the per-person and per-department totals
(§4.9); the files finance receives are rendered in ``exports.py``."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.sanctions.clauses.rules import money
from shared.departments import department_id, department_name
from shared.errors import Problem

CHINA = ZoneInfo("Asia/Shanghai")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class MonthError(Problem):
    """SAN-5: a month that cannot be read or closed (a 422 unless the refusal says otherwise)."""

    def __init__(self, code: str, detail: str, *, status: int = 422, **extensions: Any) -> None:
        title = "Conflict" if status == 409 else "Unprocessable content"
        super().__init__(status, code, title, detail, **extensions)


def check_month(month: str) -> str:
    if not re.fullmatch(MONTH_PATTERN, month):
        raise MonthError("invalid_month", f"{month!r} is not a month in the form YYYY-MM")
    return month


def month_of(moment: datetime) -> str:
    """The payroll month of a moment is its month in China time."""
    return moment.astimezone(CHINA).strftime("%Y-%m")


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}"


def first_open_month(month: str, closed: Iterable[str]) -> str:
    """SAN-5: a notice of a closed month falls into the next month that is still open."""
    closed_set = set(closed)
    while month in closed_set:
        month = next_month(month)
    return month


class MonthNotEnded(MonthError):
    """SAN-5: a month is closed once it is over in China time, unless administration forces it."""

    def __init__(self, month: str) -> None:
        self.closable_from = first_closing_day(month)
        super().__init__(
            "month_not_ended",
            f"{month} has not ended yet; it can be closed from {self.closable_from.isoformat()} (China time), "
            "or now with force and a reason",
            status=409,
            closable_from=self.closable_from.isoformat(),
        )


def first_closing_day(month: str) -> date:
    """The first day of the following month: the month is over in China time."""
    following = next_month(month)
    return date(int(following[:4]), int(following[5:]), 1)


def check_closable(month: str, today: date, *, forced: bool = False) -> None:
    """SAN-5: a month is closed once it has ended (§4.9 按月汇总); only a forced close, with its reason kept,
    closes the running month early. A month not yet started is never closed."""
    check_month(month)
    current = today.strftime("%Y-%m")
    if month > current:
        raise MonthError("month_not_started", f"{month} has not started yet")
    if month == current and not forced:
        raise MonthNotEnded(month)


@dataclass(frozen=True)
class NoticeFacts:
    employee_id: str
    employee_name: str | None
    department: str | None
    kind: str
    amount: Decimal
    compensation: Decimal
    dismissal: bool
    occurred_at: datetime


@dataclass(frozen=True)
class PersonLine:
    employee_id: str
    employee_name: str | None
    department: str | None
    rewards: Decimal
    penalties: Decimal
    compensation: Decimal
    net: Decimal
    dismissals: int
    notice_count: int


@dataclass(frozen=True)
class DepartmentTotal:
    department: str
    department_name: str
    rewards: Decimal
    penalties: Decimal
    compensation: Decimal
    net: Decimal
    people: int


def summarize(notices: Iterable[NoticeFacts]) -> list[PersonLine]:
    """Per person: rewards, penalties, the net (rewards − penalties) and the borne losses apart.

    Name and department are the ones of the person's latest notice of the month.
    """
    by_person: dict[str, list[NoticeFacts]] = {}
    for notice in notices:
        by_person.setdefault(notice.employee_id, []).append(notice)
    lines = []
    for employee_id, items in sorted(by_person.items()):
        latest = max(items, key=lambda n: n.occurred_at)
        rewards = money(sum((n.amount for n in items if n.kind == "reward"), Decimal(0)))
        penalties = money(sum((n.amount for n in items if n.kind == "penalty"), Decimal(0)))
        lines.append(
            PersonLine(
                employee_id=employee_id,
                employee_name=latest.employee_name,
                department=latest.department,
                rewards=rewards,
                penalties=penalties,
                compensation=money(sum((n.compensation for n in items), Decimal(0))),
                net=money(rewards - penalties),
                dismissals=sum(1 for n in items if n.dismissal),
                notice_count=len(items),
            )
        )
    return lines


NO_DEPARTMENT = "(未填部门)"


def department_totals(lines: Iterable[PersonLine]) -> list[DepartmentTotal]:
    """Per department, one row whether its people's notices name it by id or by its Chinese name."""
    grouped: dict[str, list[PersonLine]] = {}
    for line in lines:
        grouped.setdefault(department_id(line.department) if line.department else NO_DEPARTMENT, []).append(line)
    return [
        DepartmentTotal(
            department=department,
            department_name=department_name(department),
            rewards=money(sum((line.rewards for line in items), Decimal(0))),
            penalties=money(sum((line.penalties for line in items), Decimal(0))),
            compensation=money(sum((line.compensation for line in items), Decimal(0))),
            net=money(sum((line.net for line in items), Decimal(0))),
            people=len(items),
        )
        for department, items in sorted(grouped.items())
    ]
