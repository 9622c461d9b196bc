"""NTF-1's visit reminders (CRM-5) and pending sign-offs (CRM-6) as pure rules, in notify and in crm."""

import uuid
from datetime import date, datetime

from services.crm.fees.models import FeeStatement
from services.crm.fees.service import sign_off_state
from services.crm.visits.rules import planning_months, visitor_for
from services.notify.notifications import rules
from services.notify.statements.rules import still_pending
from services.notify.timers import rules as timers
from shared.workcalendar import WorkingCalendar


def china(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


def test_ntf1_crm5_visit_reminded_at_1400_with_three_working_days_left_overdue_the_next_working_day() -> None:
    planned = {
        p.rule: p for p in timers.visit_timers("plan-1", {"visitor": "E-V"}, date(2026, 9, 30), WorkingCalendar())
    }
    # Wednesday 09-30 is the due day; the National Day holiday (10-01 … 10-07) follows it.
    assert planned["CRM-5.visit.due"].due_at == china("2026-09-28T14:00:00")
    assert planned["CRM-5.visit.overdue"].due_at == china("2026-10-08T09:00:00")
    assert {p.occasion for p in planned.values()} == {"2026-09-30"}
    assert planned["CRM-5.visit.due"].params == {"visitor": "E-V", "due_date": "2026-09-30"}


def test_ntf1_crm5_a_due_day_on_a_weekend_counts_back_from_the_last_working_day() -> None:
    planned = {p.rule: p for p in timers.visit_timers("plan-2", {}, date(2026, 10, 31), WorkingCalendar())}
    # Saturday 10-31: the last working days are Friday 10-30, Thursday 10-29 and Wednesday 10-28.
    assert planned["CRM-5.visit.due"].due_at == china("2026-10-28T14:00:00")
    assert planned["CRM-5.visit.overdue"].due_at == china("2026-11-02T09:00:00")


def test_ntf1_crm5_the_reminder_names_the_visitor_and_the_overdue_alert_their_manager_too() -> None:
    params = {"visitor": "E-V"}
    assert rules.named_people(rules.VISIT_DUE, params) == ["E-V"]
    assert rules.managed_people(rules.VISIT_DUE, params) == []
    assert rules.named_people(rules.VISIT_OVERDUE, params) == ["E-V"]
    assert rules.managed_people(rules.VISIT_OVERDUE, params) == ["E-V"]


def test_ntf1_crm5_a_visit_without_a_visitor_goes_to_the_sales_managers() -> None:
    assert rules.named_people(rules.VISIT_DUE, {"visitor": None}) == []
    fallback = rules.fallback_of(rules.VISIT_DUE)
    assert fallback is not None and rules.roles_of(fallback) == ["sales_manager"]
    assert rules.fallback_of(rules.COMPLAINT_SERIOUS) is None


def test_ntf1_crm6_the_sign_off_reminder_names_only_the_roles_whose_step_is_pending() -> None:
    pending = {"pending_steps": ["sales_manager", "finance"]}
    assert rules.roles_of(rules.SIGN_OFF_DUE, pending) == ["sales_manager", "finance"]
    assert rules.roles_of(rules.SIGN_OFF_DUE, {"pending_steps": []}) == []
    assert rules.roles_of(rules.PAYABLE, pending) == ["finance"]


def test_ntf1_crm6_a_signed_step_is_not_reopened_by_an_older_event_seen_again() -> None:
    assert still_pending(None, ["sales_clerk", "sales_manager", "finance"]) == [
        "sales_clerk",
        "sales_manager",
        "finance",
    ]
    assert still_pending(["finance"], ["sales_clerk", "sales_manager", "finance"]) == ["finance"]
    assert still_pending(["sales_manager", "finance"], ["finance"]) == ["finance"]


def test_crm6_the_statement_event_carries_the_steps_signed_and_those_pending_in_order() -> None:
    statement = FeeStatement(id=uuid.uuid4(), sales_rep="E-REP", month=date(2026, 11, 1))
    state = sign_off_state(statement, {"sales_clerk"}, china("2026-12-03T10:00:00"))
    assert state["month"] == "2026-11" and state["sales_rep"] == "E-REP"
    assert state["signed_steps"] == ["sales_clerk"]
    assert state["pending_steps"] == ["sales_manager", "finance"]


def test_crm5_the_visitor_is_who_visited_last_else_the_owner_never_the_regional_rep() -> None:
    assert visitor_for("E-V", "E-OWNER", "E-REGIONAL") == "E-V"
    assert visitor_for(None, "E-OWNER", "E-REGIONAL") == "E-OWNER"
    assert visitor_for("E-REGIONAL", "E-OWNER", "E-REGIONAL") == "E-OWNER"
    assert visitor_for(None, "E-REGIONAL", "E-REGIONAL") is None
    assert visitor_for(None, None, None) is None


def test_crm5_the_planning_pass_plans_this_month_and_in_its_last_week_the_next() -> None:
    assert planning_months(date(2026, 12, 2)) == [date(2026, 12, 1)]
    assert planning_months(date(2026, 12, 24)) == [date(2026, 12, 1)]
    assert planning_months(date(2026, 12, 25)) == [date(2026, 12, 1), date(2027, 1, 1)]
