"""SAN-5 as pure code: which month a notice belongs to, the per-person and per-department totals, and the
CSV and XLSX files finance receives (§4.9, §6.3)."""

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from services.sanctions.clauses.rules import money
from shared.departments import department_id, department_name

CHINA = ZoneInfo("Asia/Shanghai")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class MonthError(ValueError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


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


PERSON_HEADER = ("工号", "姓名", "部门", "奖励(元)", "罚款(元)", "赔偿(元)", "净额(元)", "开除", "通知单数")
DEPARTMENT_HEADER = ("部门", "奖励(元)", "罚款(元)", "赔偿(元)", "净额(元)", "人数")
PERSON_MONEY_COLUMNS = range(4, 8)
DEPARTMENT_MONEY_COLUMNS = range(2, 6)
TOTAL_LABEL = "合计"

Row = tuple[str | Decimal | int, ...]


def _person_row(line: PersonLine) -> Row:
    return (
        line.employee_id,
        line.employee_name or "",
        department_name(line.department) if line.department else "",
        line.rewards,
        line.penalties,
        line.compensation,
        line.net,
        line.dismissals,
        line.notice_count,
    )


def _department_row(total: DepartmentTotal) -> Row:
    return (total.department_name, total.rewards, total.penalties, total.compensation, total.net, total.people)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return money(sum(values, Decimal(0)))


def _person_totals(lines: list[PersonLine]) -> Row:
    return (
        TOTAL_LABEL,
        "",
        "",
        _sum(line.rewards for line in lines),
        _sum(line.penalties for line in lines),
        _sum(line.compensation for line in lines),
        _sum(line.net for line in lines),
        sum(line.dismissals for line in lines),
        sum(line.notice_count for line in lines),
    )


def _department_totals_row(departments: list[DepartmentTotal]) -> Row:
    return (
        TOTAL_LABEL,
        _sum(total.rewards for total in departments),
        _sum(total.penalties for total in departments),
        _sum(total.compensation for total in departments),
        _sum(total.net for total in departments),
        sum(total.people for total in departments),
    )


# OWASP CSV injection: a spreadsheet evaluates a cell that begins with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _csv_cell(value: str | Decimal | int) -> str | Decimal | int:
    """Text that a spreadsheet would evaluate is written behind a single quote; amounts stay numbers
    (a negative net is a number, not text)."""
    if isinstance(value, str) and starts_like_a_formula(value):
        return "'" + value
    return value


def _csv(header: tuple[str, ...], rows: list[Row]) -> bytes:
    """UTF-8 with a BOM, so Excel and WPS open the Chinese text cleanly; one table, its header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(tuple(_csv_cell(value) for value in row) for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def people_csv(lines: list[PersonLine]) -> bytes:
    return _csv(PERSON_HEADER, [_person_row(line) for line in lines])


def departments_csv(departments: list[DepartmentTotal]) -> bytes:
    return _csv(DEPARTMENT_HEADER, [_department_row(total) for total in departments])


def to_xlsx(month: str, lines: list[PersonLine], departments: list[DepartmentTotal]) -> bytes:
    """A sheet per table, each ending in its totals row; amounts as numbers with two decimals so finance
    can add them up; text never evaluated."""
    workbook = Workbook()
    people = workbook.active
    assert isinstance(people, Worksheet)
    people.title = "个人汇总"
    _fill(people, PERSON_HEADER, [_person_row(line) for line in lines], _person_totals(lines), PERSON_MONEY_COLUMNS)
    sheet = workbook.create_sheet("部门合计")
    rows = [_department_row(total) for total in departments]
    _fill(sheet, DEPARTMENT_HEADER, rows, _department_totals_row(departments), DEPARTMENT_MONEY_COLUMNS)
    workbook.properties.title = f"{month} 奖惩汇总"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(sheet: Worksheet, row: int, values: Row, money_columns: range, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            _write_text(cell, value)
        else:
            cell.value = value
        if column in money_columns:
            cell.number_format = "0.00"
        if bold:
            cell.font = Font(bold=True)


def _write_text(cell: Cell, text: str) -> None:
    """A string cell, never a formula: openpyxl would store "=…" as one, and Excel evaluate it."""
    cell.value = text
    cell.data_type = "s"
    if starts_like_a_formula(text):
        cell.quotePrefix = True


def _fill(sheet: Worksheet, header: tuple[str, ...], rows: list[Row], totals: Row, money_columns: range) -> None:
    _write(sheet, 1, header, range(0), bold=True)
    for number, row in enumerate(rows, start=2):
        _write(sheet, number, row, money_columns)
    _write(sheet, len(rows) + 2, totals, money_columns, bold=True)
