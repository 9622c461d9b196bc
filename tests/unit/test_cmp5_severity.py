"""CMP-5 severity and escalation to the decision level."""

import pytest

from services.intake.complaints.rules import (
    Action,
    complaints_shown,
    customer_warnings,
    decide_severity,
    decision_refused,
    may_act,
    next_status,
    set_severity,
)


@pytest.mark.parametrize("tier", ["diamond", "platinum"])
def test_cmp5_diamond_and_platinum_customers_complaints_are_serious_by_default(tier: str) -> None:
    decision = decide_severity("general", tier)
    assert decision.severity == "serious"
    assert decision.reason == f"customer_tier:{tier}"
    assert decision.escalated_to_decision_level is True


@pytest.mark.parametrize("tier", ["gold", "vip", "none", None])
def test_cmp5_other_customers_keep_the_recorded_severity(tier: str | None) -> None:
    decision = decide_severity("general", tier)
    assert decision.severity == "general"
    assert decision.escalated_to_decision_level is False


def test_cmp5_serious_complaint_is_escalated_to_the_decision_level() -> None:
    decision = decide_severity("serious", None)
    assert decision.escalated_to_decision_level is True
    assert decision.reason == "recorded_as_serious"


def test_cmp5_quality_manager_may_lower_a_tier_default_to_general() -> None:
    lowered = set_severity("serious", "general")
    assert (lowered.severity, lowered.escalated_to_decision_level) == ("general", False)
    assert lowered.reason == "set_by_quality_department"


def test_cmp5_setting_the_severity_it_has_already_is_refused() -> None:
    with pytest.raises(ValueError, match="serious already"):
        set_severity("serious", "serious")


def test_cmp5_only_the_quality_manager_sets_the_severity() -> None:
    assert may_act(Action.SEVERITY, "E-05", ["quality_manager"], "E-01")
    assert not may_act(Action.SEVERITY, "E-01", ["customer_service"], "E-01")


def test_cmp5_only_the_decision_level_records_a_decision() -> None:
    assert may_act(Action.DECISION, "E-00", ["executive"], "E-01", "serious")
    assert not may_act(Action.DECISION, "E-05", ["quality_manager"], "E-01", "serious")


def test_cmp5_decision_on_a_general_complaint_is_refused() -> None:
    assert decision_refused("general", False) == "only a serious complaint goes to the decision level"
    assert decision_refused("serious", False) is None


def test_cmp5_decision_is_recorded_once() -> None:
    assert decision_refused("serious", True) is not None


def test_cmp5_company_head_may_sign_the_reply_of_a_serious_complaint_only() -> None:
    assert may_act(Action.REPLY, "E-00", ["executive"], "E-01", "serious")
    assert not may_act(Action.REPLY, "E-00", ["executive"], "E-01", "general")
    assert may_act(Action.REPLY, "E-05", ["quality_manager"], "E-01", "general")


def test_cmp5_severity_and_decision_keep_the_status() -> None:
    assert next_status("investigating", Action.SEVERITY) == "investigating"
    assert next_status("replied", Action.DECISION) == "replied"


def test_unknown_customer_is_said_in_a_warning() -> None:
    assert customer_warnings("C-404", False) and "C-404" in customer_warnings("C-404", False)[0]
    assert customer_warnings("C-1", True) == customer_warnings(None, None) == []


def test_complaint_shows_only_the_incident_it_opened() -> None:
    complaint = "0b0f7a52-8d1e-4a4e-9d55-3f1c2b9c0a11"
    assert [str(c) for c in complaints_shown("complaint", [complaint])] == [complaint]
    assert complaints_shown("returns", [complaint]) == []
    assert complaints_shown("complaint", ["ERP-000001"]) == []
