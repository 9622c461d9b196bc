"""CMP-4 lifecycle and CMP-7 ownership as pure rules."""

import pytest

from services.intake.complaints.rules import (
    Action,
    TransitionRefused,
    allowed_actions,
    may_act,
    next_status,
)


@pytest.mark.parametrize(
    "status,action,target",
    [
        ("received", Action.INVESTIGATE, "investigating"),
        ("investigating", Action.REPLY, "replied"),
        ("replied", Action.RETURN_VISIT, "visited"),
        ("visited", Action.CLOSE, "closed"),
    ],
)
def test_cmp4_each_step_leads_to_the_next(status: str, action: Action, target: str) -> None:
    assert next_status(status, action) == target


@pytest.mark.parametrize("status", ["received", "investigating"])
def test_cmp4_reject_is_allowed_from_received_and_investigating(status: str) -> None:
    assert next_status(status, Action.REJECT) == "rejected"


@pytest.mark.parametrize("status", ["replied", "visited", "closed", "rejected"])
def test_cmp4_reject_is_refused_after_investigation(status: str) -> None:
    with pytest.raises(TransitionRefused):
        next_status(status, Action.REJECT)


def test_cmp4_skipping_investigation_is_refused_and_names_the_allowed_steps() -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status("received", Action.REPLY)
    assert refused.value.allowed == ["investigate", "reject", "handover", "escalate", "severity", "decision"]


def test_cmp4_closing_before_the_return_visit_is_refused() -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status("replied", Action.CLOSE)
    assert refused.value.allowed == ["return-visit", "handover", "escalate", "severity", "decision"]


@pytest.mark.parametrize("action", list(Action))
def test_cmp4_a_closed_complaint_allows_nothing(action: Action) -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status("closed", action)
    assert refused.value.allowed == []


def test_cmp7_handover_keeps_the_status() -> None:
    assert next_status("investigating", Action.HANDOVER) == "investigating"


def test_cmp4_rejected_is_final() -> None:
    assert allowed_actions("rejected") == []


def test_cmp7_only_the_owner_works_the_complaint() -> None:
    assert may_act(Action.INVESTIGATE, "E-1", ["customer_service"], owner="E-1")
    assert not may_act(Action.INVESTIGATE, "E-2", ["customer_service"], owner="E-1")


def test_cmp7_quality_manager_may_step_in_and_hand_over() -> None:
    assert may_act(Action.HANDOVER, "Q-1", ["quality_manager"], owner="E-1")


def test_cmp7_a_colleague_cannot_take_over_without_a_handover() -> None:
    assert not may_act(Action.HANDOVER, "E-2", ["sales"], owner="E-1")


def test_cmp4_only_the_quality_head_signs_a_reply_even_as_owner() -> None:
    assert not may_act(Action.REPLY, "E-1", ["customer_service"], owner="E-1")
    assert may_act(Action.REPLY, "Q-1", ["quality_manager"], owner="E-1")


def test_cmp5_only_the_quality_department_escalates() -> None:
    assert not may_act(Action.ESCALATE, "E-1", ["customer_service"], owner="E-1")
    assert may_act(Action.ESCALATE, "Q-1", ["quality_manager"], owner="E-1")


def test_cmp5_escalation_keeps_the_status() -> None:
    assert next_status("replied", Action.ESCALATE) == "replied"


def test_cmp4_a_refused_step_is_a_conflict_naming_the_status_and_the_allowed_steps() -> None:
    with pytest.raises(TransitionRefused) as refused:
        next_status("replied", Action.CLOSE)
    assert (refused.value.status, refused.value.code, refused.value.title) == (409, "invalid_transition", "Conflict")
    assert refused.value.detail == "close is not allowed on a replied complaint"
    assert refused.value.extensions == {
        "current_status": "replied",
        "action": "close",
        "allowed": ["return-visit", "handover", "escalate", "severity", "decision"],
    }
