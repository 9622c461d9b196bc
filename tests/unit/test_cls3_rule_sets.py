"""CLS-3 rule sets are data: presets, round trips through JSON, the construction thresholds."""

from decimal import Decimal

import pytest

from services.classification.levels.rules import (
    CONSTRUCTION,
    MANUFACTURING,
    PRESETS,
    Facts,
    Level,
    Thresholds,
    classify,
)


def test_cls3_manufacturing_and_construction_presets_exist() -> None:
    assert set(PRESETS) == {"manufacturing", "construction"}


def test_cls3_thresholds_survive_json() -> None:
    for thresholds in PRESETS.values():
        assert Thresholds.from_json(thresholds.to_json()) == thresholds


def test_cls3_money_thresholds_travel_as_two_decimal_strings() -> None:
    assert MANUFACTURING.to_json()["major_loss_amount"] == "20000.00"


@pytest.mark.parametrize(
    ("loss", "level"),
    [(Decimal("99999.99"), Level.GENERAL), (Decimal("100000.00"), Level.MAJOR)],
)
def test_cls3_construction_major_from_100000_of_rework_loss(loss: Decimal, level: Level) -> None:
    assert classify(Facts(loss_amount=loss), CONSTRUCTION).level is level


def test_cls3_construction_general_from_10000_carries_its_reason() -> None:
    result = classify(Facts(loss_amount=Decimal("10000")), CONSTRUCTION)
    assert result.level is Level.GENERAL
    assert result.reasons == [{"rule": "CLS-1", "fact": "loss_amount", "observed": "10000.00", "threshold": "10000.00"}]


def test_cls3_construction_below_10000_is_general_without_reason() -> None:
    assert classify(Facts(loss_amount=Decimal("9999.99")), CONSTRUCTION).reasons == []


def test_cls3_construction_has_no_batch_level() -> None:
    result = classify(Facts(returns_same_model_date=5000, scrap_quantity=10_000), CONSTRUCTION)
    assert (result.level, result.rate_missing) == (Level.GENERAL, False)


def test_cls3_a_rule_switched_off_never_fires() -> None:
    thresholds = Thresholds(major_personal_injury=False)
    assert classify(Facts(personal_injury=True), thresholds).level is Level.GENERAL


def test_cls3_changed_threshold_changes_the_level() -> None:
    thresholds = Thresholds(batch_returns_same_model_date=30)
    assert classify(Facts(returns_same_model_date=30), thresholds).level is Level.BATCH
