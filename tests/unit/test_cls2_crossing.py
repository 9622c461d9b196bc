"""CLS-2: what a total at or over its threshold decides for the incident of its key (pure)."""

from services.classification.levels.rules import MANUFACTURING, Thresholds, reason
from services.classification.returns.rules import Crossing, Step, batch_crossing, major_crossing


def test_cls2_model_date_total_below_50_decides_nothing() -> None:
    assert batch_crossing(10, 49, MANUFACTURING, None) is None


def test_cls2_model_date_total_reaching_50_opens_a_batch_incident() -> None:
    assert batch_crossing(49, 50, MANUFACTURING, None) == Crossing(
        Step.OPEN, "batch", reason("returns_same_model_date", 50, 50)
    )


def test_cls2_model_date_key_held_is_never_opened_twice_only_observed() -> None:
    assert batch_crossing(50, 60, MANUFACTURING, "batch") == Crossing(
        Step.UPDATE, "batch", reason("returns_same_model_date", 60, 50)
    )


def test_cls2_model_date_key_held_by_an_upgraded_incident_keeps_its_level() -> None:
    decision = batch_crossing(60, 70, MANUFACTURING, "major")
    assert decision is not None and (decision.step, decision.level) == (Step.UPDATE, "major")


def test_cls2_total_that_did_not_grow_changes_nothing_on_its_holder() -> None:
    assert batch_crossing(60, 60, MANUFACTURING, "batch") is None


def test_cls2_model_date_rule_switched_off_decides_nothing() -> None:
    assert batch_crossing(0, 10_000, Thresholds(batch_returns_same_model_date=None), None) is None


def test_cls2_shipped_batch_total_below_500_decides_nothing() -> None:
    assert major_crossing(400, 499, MANUFACTURING, None, "batch") is None


def test_cls2_shipped_batch_reaching_500_without_one_batch_incident_opens_a_major() -> None:
    assert major_crossing(499, 500, MANUFACTURING, None, None) == Crossing(
        Step.OPEN, "major", reason("returns_shipped_batch", 500, 500)
    )


def test_cls2_shipped_batch_reaching_500_upgrades_its_one_batch_incident_to_major() -> None:
    assert major_crossing(450, 520, MANUFACTURING, None, "batch") == Crossing(
        Step.UPGRADE, "major", reason("returns_shipped_batch", 520, 500)
    )


def test_cls2_shipped_batch_held_by_a_major_is_never_opened_twice_only_observed() -> None:
    decision = major_crossing(520, 600, MANUFACTURING, "major", "batch")
    assert decision == Crossing(Step.UPDATE, "major", reason("returns_shipped_batch", 600, 500))


LOWER = Thresholds(batch_returns_same_model_date=20, major_returns_shipped_batch=200)


def test_cls2_model_date_threshold_of_the_rule_set_in_force_decides() -> None:
    decision = batch_crossing(19, 20, LOWER, None)
    assert decision == Crossing(Step.OPEN, "batch", reason("returns_same_model_date", 20, 20))


def test_cls2_shipped_batch_threshold_of_the_rule_set_in_force_decides() -> None:
    decision = major_crossing(0, 200, LOWER, None, None)
    assert decision == Crossing(Step.OPEN, "major", reason("returns_shipped_batch", 200, 200))
