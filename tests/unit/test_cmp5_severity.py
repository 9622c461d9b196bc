"""CMP-5 severity and escalation to the decision level."""

import pytest

from services.intake.complaints.rules import decide_severity


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
