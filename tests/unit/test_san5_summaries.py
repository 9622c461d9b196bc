"""SAN-5: payroll months, per-person and per-department totals, and the files finance opens."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from services.sanctions.notices.schemas import ViolationFacts, ViolationIn
from services.sanctions.summaries.exports import departments_csv, people_csv, to_xlsx
from services.sanctions.summaries.rules import (
    MonthError,
    MonthNotEnded,
    NoticeFacts,
    check_closable,
    check_month,
    department_totals,
    first_open_month,
    month_of,
    next_month,
    summarize,
)

AT = datetime(2026, 11, 10, tzinfo=UTC)


def notice(employee: str, kind: str, amount: str, department: str | None = "质量部", **extra: object) -> NoticeFacts:
    fields: dict[str, object] = {
        "employee_id": employee,
        "employee_name": "李娜",
        "department": department,
        "kind": kind,
        "amount": Decimal(amount),
        "compensation": Decimal("0.00"),
        "dismissal": False,
        "occurred_at": AT,
    }
    fields.update(extra)
    return NoticeFacts(**fields)  # type: ignore[arg-type]


def test_san5_the_month_of_a_notice_is_its_month_in_china_time() -> None:
    assert month_of(datetime(2026, 11, 30, 16, 30, tzinfo=UTC)) == "2026-12"
    assert month_of(datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == "2026-11"


def test_san5_next_month_rolls_over_the_year() -> None:
    assert (next_month("2026-11"), next_month("2026-12")) == ("2026-12", "2027-01")


def test_san5_a_notice_of_a_closed_month_falls_into_the_next_open_month() -> None:
    assert first_open_month("2026-10", {"2026-10", "2026-11"}) == "2026-12"
    assert first_open_month("2026-10", {"2026-11"}) == "2026-10"


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-11", "2026-11-01", ""])
def test_san5_a_month_is_yyyy_mm(month: str) -> None:
    with pytest.raises(MonthError):
        check_month(month)


def test_san5_a_month_can_be_closed_once_it_has_ended() -> None:
    check_closable("2026-11", date(2026, 12, 1))
    with pytest.raises(MonthError):
        check_closable("2026-12", date(2026, 11, 30))


def test_san5_the_running_month_is_refused_naming_the_first_day_it_can_be_closed() -> None:
    with pytest.raises(MonthNotEnded) as refused:
        check_closable("2026-12", date(2026, 12, 2))
    assert (refused.value.code, refused.value.closable_from) == ("month_not_ended", date(2027, 1, 1))


def test_san5_a_forced_close_may_close_the_running_month_but_not_a_future_one() -> None:
    check_closable("2026-12", date(2026, 12, 2), forced=True)
    with pytest.raises(MonthError):
        check_closable("2027-01", date(2026, 12, 2), forced=True)


def test_san5_per_person_rewards_penalties_and_net() -> None:
    lines = summarize([notice("E-1", "penalty", "200"), notice("E-1", "reward", "50"), notice("E-1", "penalty", "20")])

    (line,) = lines
    assert (line.rewards, line.penalties, line.net, line.notice_count) == (
        Decimal("50.00"),
        Decimal("220.00"),
        Decimal("-170.00"),
        3,
    )


def test_san5_borne_losses_and_dismissals_are_kept_apart_from_the_net() -> None:
    lines = summarize(
        [notice("E-1", "penalty", "10", compensation=Decimal("300.5")), notice("E-1", "penalty", "200", dismissal=True)]
    )
    assert (lines[0].net, lines[0].compensation, lines[0].dismissals) == (Decimal("-210.00"), Decimal("300.50"), 1)


def test_san5_a_person_is_listed_under_the_department_of_their_latest_notice() -> None:
    earlier = notice("E-1", "penalty", "10", department="机加部", occurred_at=datetime(2026, 11, 1, tzinfo=UTC))
    later = notice("E-1", "penalty", "10", department="铸造部", occurred_at=datetime(2026, 11, 20, tzinfo=UTC))
    assert summarize([later, earlier])[0].department == "铸造部"


def test_san5_department_totals_add_up_their_people() -> None:
    lines = summarize(
        [
            notice("E-1", "penalty", "100", department="机加部"),
            notice("E-2", "reward", "50", department="机加部"),
            notice("E-3", "penalty", "20", department=None),
        ]
    )
    totals = {t.department_name: t for t in department_totals(lines)}
    assert (totals["机加部"].net, totals["机加部"].people) == (Decimal("-50.00"), 2)
    assert totals["(未填部门)"].penalties == Decimal("20.00")


def test_san5_csv_is_utf8_with_a_bom_so_excel_and_wps_read_the_chinese() -> None:
    content = people_csv(summarize([notice("E-1", "penalty", "200")]))

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["工号", "姓名", "部门", "奖励(元)"]
    assert rows[1] == ["E-1", "李娜", "质量部", "0.00", "200.00", "0.00", "-200.00", "0", "1"]


def test_san5_each_csv_holds_one_table_its_header_first() -> None:
    lines = summarize([notice("E-1", "penalty", "200", department="quality"), notice("E-2", "reward", "20")])

    people = list(csv.reader(io.StringIO(people_csv(lines).decode("utf-8-sig"))))
    departments = list(csv.reader(io.StringIO(departments_csv(department_totals(lines)).decode("utf-8-sig"))))
    assert [len(row) for row in people] == [9, 9, 9]
    assert departments == [
        ["部门", "奖励(元)", "罚款(元)", "赔偿(元)", "净额(元)", "人数"],
        ["品质管理部", "0.00", "200.00", "0.00", "-200.00", "1"],
        ["质量部", "20.00", "0.00", "0.00", "20.00", "1"],
    ]


def test_san5_departments_are_named_in_chinese_and_one_row_whether_given_by_id_or_name() -> None:
    lines = summarize(
        [
            notice("E-1", "penalty", "50", department="machining"),
            notice("E-2", "penalty", "20", department="机加部"),
            notice("E-3", "reward", "100", department="administration"),
        ]
    )
    totals = {(t.department, t.department_name): t.people for t in department_totals(lines)}
    assert totals == {("machining", "机加部"): 2, ("administration", "行政管理部"): 1}
    rows = list(csv.reader(io.StringIO(people_csv(lines).decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["机加部", "机加部", "行政管理部"]


def test_san5_xlsx_has_a_sheet_per_table_with_numeric_amounts_and_a_totals_row() -> None:
    lines = summarize([notice("E-1", "penalty", "200.5"), notice("E-2", "reward", "20", department="quality")])
    workbook = load_workbook(io.BytesIO(to_xlsx("2026-11", lines, department_totals(lines))))

    people = list(workbook["个人汇总"].iter_rows(values_only=True))
    departments = list(workbook["部门合计"].iter_rows(values_only=True))
    assert people[1] == ("E-1", "李娜", "质量部", 0, 200.5, 0, -200.5, 0, 1)
    assert people[-1] == ("合计", None, None, 20, 200.5, 0, -180.5, 0, 2)
    assert departments[1:] == [
        ("品质管理部", 20, 0, 0, 20, 1),
        ("质量部", 0, 200.5, 0, -200.5, 1),
        ("合计", 20, 200.5, 0, -180.5, 2),
    ]
    assert workbook["个人汇总"]["E2"].number_format == "0.00"
    assert workbook["部门合计"]["E4"].number_format == "0.00"


HOSTILE = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text", [HOSTILE, "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_san5_csv_cells_that_would_be_evaluated_are_written_as_text(text: str) -> None:
    lines = summarize([notice("E-1", "penalty", "200", employee_name=text, department=text)])

    people = list(csv.reader(io.StringIO(people_csv(lines).decode("utf-8-sig"))))
    departments = list(csv.reader(io.StringIO(departments_csv(department_totals(lines)).decode("utf-8-sig"))))
    assert (people[1][1], people[1][2], departments[1][0]) == ("'" + text, "'" + text, "'" + text)
    assert people[1][6] == "-200.00"  # an amount stays a number, negative or not


@pytest.mark.parametrize("text", [HOSTILE, "+1+1", "-1+1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_san5_xlsx_cells_that_would_be_evaluated_are_strings_not_formulas(text: str) -> None:
    lines = summarize([notice(text, "penalty", "200", employee_name=text, department=text)])
    workbook = load_workbook(io.BytesIO(to_xlsx("2026-11", lines, department_totals(lines))))

    for cell in (workbook["个人汇总"]["A2"], workbook["个人汇总"]["B2"], workbook["部门合计"]["A2"]):
        # XML reads a carriage return back as a line feed; what matters is a string cell, never a formula.
        assert (cell.value.replace("\n", "\r"), cell.data_type) == (text, "s")
        assert cell.quotePrefix
    assert workbook["个人汇总"]["G2"].data_type == "n"


def _violation(occurred_at: str) -> dict[str, object]:
    return {"clause": "5.2.1.7", "employee": {"id": "E-1"}, "occurred_at": occurred_at, "note": "…"}


def test_san5_a_violation_reported_ahead_of_now_is_refused_on_its_time() -> None:
    ahead = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    with pytest.raises(ValidationError, match="occurred_at lies in the future"):
        ViolationIn.model_validate(_violation(ahead))


def test_san5_a_violation_of_earlier_today_is_taken() -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    assert ViolationIn.model_validate(_violation(earlier)).occurred_at.tzinfo is not None


def test_san5_an_incident_draft_dated_by_its_incident_is_not_judged_against_the_clock() -> None:
    ahead = datetime.now(UTC) + timedelta(days=2)
    assert ViolationFacts(clause="5.2.1.13", occurred_at=ahead, note="batch incident").occurred_at == ahead
