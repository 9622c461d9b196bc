"""CLS-1 levels as pure code: boundaries on both sides of every threshold (质量问题处理管理规定 §3)."""

from decimal import Decimal

import pytest

from services.classification.levels.rules import MANUFACTURING, Facts, Level, classify

RATE = Decimal("200")  # units per hour: 0.5 h = 100 units, 1 h = 200 units


def level_of(**facts: object) -> Level:
    return classify(Facts(**facts), MANUFACTURING).level  # type: ignore[arg-type]


def test_cls1_no_fact_over_a_threshold_is_general_without_reasons() -> None:
    result = classify(Facts(scrap_quantity=1, units_per_hour=RATE), MANUFACTURING)
    assert (result.level, result.reasons, result.rate_missing) == (Level.GENERAL, [], False)


@pytest.mark.parametrize(("returns", "level"), [(49, Level.GENERAL), (50, Level.BATCH), (51, Level.BATCH)])
def test_cls1_returns_same_model_date_batch_from_50(returns: int, level: Level) -> None:
    assert level_of(returns_same_model_date=returns) is level


def test_cls1_returns_same_model_date_reason_has_the_spec_shape() -> None:
    result = classify(Facts(returns_same_model_date=55), MANUFACTURING)
    assert result.reasons == [{"rule": "CLS-1", "fact": "returns_same_model_date", "observed": 55, "threshold": 50}]


@pytest.mark.parametrize(("returns", "level"), [(499, Level.GENERAL), (500, Level.MAJOR), (501, Level.MAJOR)])
def test_cls1_500_returns_from_one_shipped_batch_is_major(returns: int, level: Level) -> None:
    assert level_of(returns_shipped_batch=returns) is level


@pytest.mark.parametrize(
    ("loss", "level"),
    [(Decimal("19999.99"), Level.GENERAL), (Decimal("20000.00"), Level.MAJOR), (Decimal("20000.01"), Level.MAJOR)],
)
def test_cls1_loss_of_20000_is_major(loss: Decimal, level: Level) -> None:
    assert level_of(loss_amount=loss) is level


def test_cls1_loss_reason_carries_money_as_strings() -> None:
    result = classify(Facts(loss_amount=Decimal("20000")), MANUFACTURING)
    assert result.reasons == [{"rule": "CLS-1", "fact": "loss_amount", "observed": "20000.00", "threshold": "20000.00"}]


def test_cls1_personal_injury_is_major() -> None:
    result = classify(Facts(personal_injury=True), MANUFACTURING)
    assert result.level is Level.MAJOR
    assert result.reasons == [{"rule": "CLS-1", "fact": "personal_injury", "observed": True, "threshold": True}]


def test_cls1_serious_reputation_damage_is_major() -> None:
    assert level_of(reputation_damage=True) is Level.MAJOR


@pytest.mark.parametrize(("scrap", "level"), [(99, Level.GENERAL), (100, Level.BATCH), (101, Level.BATCH)])
def test_cls1_scrap_of_half_an_hour_of_output_is_batch(scrap: int, level: Level) -> None:
    assert level_of(scrap_quantity=scrap, units_per_hour=RATE) is level


@pytest.mark.parametrize(("rework", "level"), [(199, Level.GENERAL), (200, Level.BATCH), (201, Level.BATCH)])
def test_cls1_rework_of_one_hour_of_output_is_batch(rework: int, level: Level) -> None:
    assert level_of(rework_quantity=rework, units_per_hour=RATE) is level


def test_cls1_rework_of_half_an_hour_is_not_yet_batch() -> None:
    assert level_of(rework_quantity=100, units_per_hour=RATE) is Level.GENERAL


def test_cls1_scrap_reason_shows_the_output_threshold() -> None:
    result = classify(Facts(scrap_quantity=120, units_per_hour=RATE), MANUFACTURING)
    assert result.reasons == [{"rule": "CLS-1", "fact": "scrap_quantity", "observed": 120, "threshold": 100}]


def test_cls1_fractional_output_threshold_is_compared_exactly() -> None:
    # 15 units/h → half an hour is 7.5 units: 7 is below, 8 reaches it.
    assert level_of(scrap_quantity=7, units_per_hour=Decimal("15")) is Level.GENERAL
    assert level_of(scrap_quantity=8, units_per_hour=Decimal("15")) is Level.BATCH


def test_cls1_scrap_without_a_rate_is_flagged_rate_missing() -> None:
    result = classify(Facts(scrap_quantity=10_000), MANUFACTURING)
    assert (result.level, result.rate_missing) == (Level.GENERAL, True)


def test_cls1_rate_missing_report_is_still_classified_on_its_other_facts() -> None:
    result = classify(Facts(rework_quantity=10_000, loss_amount=Decimal("25000")), MANUFACTURING)
    assert (result.level, result.rate_missing) == (Level.MAJOR, True)


def test_cls1_major_wins_over_batch_and_keeps_every_reason() -> None:
    result = classify(Facts(scrap_quantity=500, units_per_hour=RATE, personal_injury=True), MANUFACTURING)
    assert result.level is Level.MAJOR
    assert {r["fact"] for r in result.reasons} == {"personal_injury", "scrap_quantity"}
