"""CRM-5 visit planning: monthly in the first year after delivery, quarterly after; who may visit."""

from datetime import date

import pytest

from services.crm.visits.rules import is_overdue, plan_for_month, project_interval_months, visitor_may_visit


def test_crm5_project_under_a_year_old_is_visited_monthly() -> None:
    assert project_interval_months(date(2026, 3, 15), date(2026, 12, 1)) == 1


def test_crm5_a_year_is_counted_to_the_day() -> None:
    assert project_interval_months(date(2025, 12, 2), date(2026, 12, 1)) == 1
    assert project_interval_months(date(2025, 12, 1), date(2026, 12, 1)) == 3


def test_crm5_project_over_a_year_old_is_visited_quarterly() -> None:
    assert project_interval_months(date(2025, 1, 10), date(2026, 12, 1)) == 3


def test_crm5_monthly_plan_every_month_after_delivery() -> None:
    months = [date(2026, m, 1) for m in range(4, 13)]
    plans = [plan_for_month(m, date(2026, 3, 15), None, None) for m in months]
    assert all(p is not None and p.interval_months == 1 for p in plans)


def test_crm5_no_visit_planned_in_the_delivery_month_itself() -> None:
    assert plan_for_month(date(2026, 3, 1), date(2026, 3, 15), None, None) is None


def test_crm5_quarterly_plan_counts_from_the_delivery_month() -> None:
    delivered = date(2024, 2, 20)
    planned = [m for m in range(1, 13) if plan_for_month(date(2026, m, 1), delivered, None, None)]
    assert planned == [2, 5, 8, 11]


def test_crm5_plan_is_due_by_the_month_end() -> None:
    plan = plan_for_month(date(2026, 2, 1), date(2026, 1, 5), None, None)
    assert plan is not None and plan.due_on == date(2026, 2, 28)
    assert plan.basis == "project_first_year"


def test_crm4_crm5_a_frequent_class_tightens_the_project_cadence() -> None:
    plan = plan_for_month(date(2026, 3, 1), date(2024, 2, 20), 1, "A")
    assert plan is not None and (plan.interval_months, plan.basis) == (1, "class_A")


def test_crm4_without_a_project_the_class_alone_plans_from_january() -> None:
    planned = [m for m in range(1, 13) if plan_for_month(date(2026, m, 1), None, 6, "D")]
    assert planned == [1, 7]


def test_crm5_no_project_and_no_class_means_no_plan() -> None:
    assert plan_for_month(date(2026, 5, 1), None, None, None) is None


@pytest.mark.parametrize(
    ("visitor", "regional", "allowed"),
    [("E-2", "E-1", True), ("E-1", "E-1", False), ("E-1", None, True)],
)
def test_crm5_the_regional_sales_rep_may_not_visit(visitor: str, regional: str | None, allowed: bool) -> None:
    assert visitor_may_visit(visitor, regional) is allowed


def test_crm5_overdue_only_after_the_due_day() -> None:
    assert not is_overdue(date(2026, 11, 30), date(2026, 11, 30))
    assert is_overdue(date(2026, 11, 30), date(2026, 12, 1))
