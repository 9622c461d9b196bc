"""CLS-4 problem levels in closure, CLS-6 concession deductions, CLS-7 emergency triggers, CLS-8 归零."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.classification.suppliers.rules import (
    ConcessionKind,
    Disposition,
    concession_deduction,
    disposition_is_consistent,
)
from services.classification.suppliers.schemas import DeductionIn
from services.classification.zeroing.rules import (
    EMERGENCY_STEPS,
    FOUR_NOT_LET_GO,
    MANAGEMENT,
    TECHNICAL,
    EmergencyTrigger,
    TriggerClaim,
    below_threshold,
    emergency_reasons,
    missing_for_closure,
    next_emergency_step,
    zeroing_required,
)
from services.classification.zeroing.schemas import StepIn

EVERY_ITEM = [*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO]


@pytest.mark.parametrize(("hours", "amount"), [("1", "20.00"), ("2.5", "50.00"), ("0.01", "0.20")])
def test_cls6_concession_deducts_20_cny_per_hour(hours: str, amount: str) -> None:
    assert concession_deduction(Decimal(hours)) == Decimal(amount)


def test_cls6_there_are_five_concession_kinds() -> None:
    assert len(ConcessionKind) == 5


def test_cls6_concession_needs_its_kind_and_return_has_none() -> None:
    assert disposition_is_consistent(Disposition.CONCESSION, ConcessionKind.SORT)
    assert not disposition_is_consistent(Disposition.CONCESSION, None)
    assert not disposition_is_consistent(Disposition.RETURN, ConcessionKind.MACHINING)


@pytest.mark.parametrize(("pieces", "holds"), [(4, False), (5, True)])
def test_cls7_assembly_failures_count_from_5_pieces(pieces: int, holds: bool) -> None:
    reasons = emergency_reasons([TriggerClaim(EmergencyTrigger.ASSEMBLY_FAILURES, pieces)])
    assert bool(reasons) is holds


@pytest.mark.parametrize("pieces", [None, 4])
def test_cls7_assembly_failures_below_5_pieces_are_named_with_their_threshold(pieces: int | None) -> None:
    claims = [
        TriggerClaim(EmergencyTrigger.CUSTOMER_PUNITIVE_MEASURES),
        TriggerClaim(EmergencyTrigger.ASSEMBLY_FAILURES, pieces),
    ]
    assert below_threshold(claims) == [{"trigger": "assembly_failures", "pieces": pieces, "threshold": 5}]


def test_cls7_assembly_failures_from_5_pieces_are_not_below_threshold() -> None:
    assert below_threshold([TriggerClaim(EmergencyTrigger.ASSEMBLY_FAILURES, 5)]) == []


def test_cls7_customer_punitive_measures_trigger_the_plan() -> None:
    reasons = emergency_reasons([TriggerClaim(EmergencyTrigger.CUSTOMER_PUNITIVE_MEASURES)])
    assert reasons == [{"rule": "CLS-7", "fact": "customer_punitive_measures", "observed": True, "threshold": True}]


def test_cls7_steps_run_in_order() -> None:
    assert next_emergency_step([]) == "report_to_leadership"
    assert next_emergency_step(["report_to_leadership"]) == "meeting"
    assert next_emergency_step(EMERGENCY_STEPS) is None


@pytest.mark.parametrize(
    ("level", "problem_level", "required"),
    [("general", None, False), ("general", "minor", False), ("general", "important", True), ("batch", None, True)],
)
def test_cls8_zeroing_required_for_batch_major_or_important(
    level: str, problem_level: str | None, required: bool
) -> None:
    assert zeroing_required(level, problem_level) is required


def test_cls8_general_incident_closes_without_zeroing() -> None:
    assert missing_for_closure("general", "minor", False, [], []) == {}


def test_cls8_major_without_evidence_lists_every_missing_item_by_group() -> None:
    missing = missing_for_closure("major", None, False, [], [])
    assert missing == {
        "technical": list(TECHNICAL),
        "management": list(MANAGEMENT),
        "four_not_let_go": list(FOUR_NOT_LET_GO),
    }


def test_cls8_lists_exactly_the_one_item_still_missing() -> None:
    done = [item for item in EVERY_ITEM if item != "reproduced"]
    assert missing_for_closure("batch", None, False, done, []) == {"technical": ["reproduced"]}


def test_cls8_complete_zeroing_may_close() -> None:
    assert missing_for_closure("major", "important", False, EVERY_ITEM, []) == {}


def test_cls7_running_emergency_plan_must_be_complete_before_closing() -> None:
    missing = missing_for_closure("major", None, True, EVERY_ITEM, EMERGENCY_STEPS[:4])
    assert missing == {"emergency_steps": ["verification", "report"]}


def _beyond_clock_tolerance() -> str:
    """Further ahead than clocks differ (``shared.schemas.FUTURE_TOLERANCE``, a day)."""
    return (datetime.now(UTC) + timedelta(days=2)).isoformat()


def test_cls7_a_step_done_ahead_of_now_is_refused() -> None:
    with pytest.raises(ValidationError, match="done_at lies in the future"):
        StepIn.model_validate({"note": "成立应急小组", "done_at": _beyond_clock_tolerance()})


def test_cls7_a_step_done_earlier_today_or_without_a_time_is_taken() -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    assert StepIn.model_validate({"note": "成立应急小组", "done_at": earlier}).done_at is not None
    assert StepIn.model_validate({"note": "成立应急小组"}).done_at is None


def test_cls6_deduction_hours_that_occur_ahead_of_now_are_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at lies in the future"):
        DeductionIn.model_validate({"hours": "2.5", "occurred_at": _beyond_clock_tolerance()})


def test_cls6_deduction_hours_before_2000_are_refused() -> None:
    with pytest.raises(ValidationError, match="occurred_at is before 2000"):
        DeductionIn.model_validate({"hours": "2.5", "occurred_at": "1999-12-31T08:00:00+08:00"})
