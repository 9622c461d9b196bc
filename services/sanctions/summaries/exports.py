"""SAN-5: the month's CSV and XLSX files finance receives (§6.3), rendered from the totals of
``rules.py``; text a spreadsheet would evaluate is never written as a formula."""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from services.sanctions.clauses.rules import money
from services.sanctions.summaries.rules import DepartmentTotal, PersonLine
from shared.departments import department_name

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
