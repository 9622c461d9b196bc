"""SAN-2: the amount engine, rule by rule."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.sanctions.clauses.rules import (
    AmountError,
    AmountRule,
    Kind,
    Offence,
    PriorRecord,
    RuleKind,
    charge,
    check_chosen,
    check_factor,
    money,
    shift_amount,
    twelve_months_before,
)


def fixed(
    amount: int, *, on_repeat: bool = False, on_circumstance: bool = False, compensation: bool = False
) -> AmountRule:
    return AmountRule(
        RuleKind.FIXED,
        amount=money(amount),
        aggravated_on_repeat=on_repeat,
        aggravated_by_circumstance=on_circumstance,
        compensation=compensation,
    )


def ranged(low: int, high: int, *, compensation: bool = False) -> AmountRule:
    return AmountRule(RuleKind.RANGE, min_amount=money(low), max_amount=money(high), compensation=compensation)


def per_piece(rate: int, *, on_repeat: bool = False, on_circumstance: bool = False) -> AmountRule:
    return AmountRule(
        RuleKind.PER_PIECE,
        amount=money(rate),
        aggravated_on_repeat=on_repeat,
        aggravated_by_circumstance=on_circumstance,
    )


def ranged_per_piece(low: int, high: int) -> AmountRule:
    return AmountRule(RuleKind.RANGE_PER_PIECE, min_amount=money(low), max_amount=money(high))


def shift_capped(rate: int, *, cap_pieces: int, cap_amount: int) -> AmountRule:
    return AmountRule(
        RuleKind.PER_PIECE_WITH_SHIFT_CAP,
        amount=money(rate),
        shift_cap_pieces=cap_pieces,
        shift_cap_amount=money(cap_amount),
    )


def escalation(first_amount: int) -> AmountRule:
    return AmountRule(RuleKind.REPEAT_ESCALATION, amount=money(first_amount))


TWO = Decimal(2)
FIRST = PriorRecord()
SHIFT_CAP = shift_capped(10, cap_pieces=10, cap_amount=200)


def penalty(
    rule: AmountRule, offence: Offence = Offence(), prior: PriorRecord = FIRST, factor: Decimal = TWO
) -> Decimal:
    return charge(Kind.PENALTY, rule, offence, prior, factor).amount


def refused(rule: AmountRule, offence: Offence, prior: PriorRecord = FIRST, kind: Kind = Kind.PENALTY) -> str:
    with pytest.raises(AmountError) as raised:
        charge(kind, rule, offence, prior, TWO)
    return raised.value.code


def test_san2_fixed_charges_its_amount_each_time() -> None:
    assert penalty(fixed(50)) == Decimal("50.00")


def test_san2_fixed_refuses_a_chosen_amount() -> None:
    assert refused(fixed(50), Offence(chosen_amount=Decimal(80))) == "amount_not_choosable"


def test_san2_range_draft_proposes_the_minimum_and_is_not_yet_chosen() -> None:
    priced = charge(Kind.PENALTY, ranged(50, 1000), Offence(), FIRST, TWO)
    assert (priced.amount, priced.amount_chosen) == (Decimal("50.00"), False)


@pytest.mark.parametrize("amount", ["50", "50.00", "999.99", "1000"])
def test_san2_range_accepts_a_chosen_amount_inside_the_range(amount: str) -> None:
    priced = charge(Kind.PENALTY, ranged(50, 1000), Offence(chosen_amount=Decimal(amount)), FIRST, TWO)
    assert (priced.amount, priced.amount_chosen) == (Decimal(amount).quantize(Decimal("0.01")), True)


@pytest.mark.parametrize("amount", ["49.99", "1000.01", "0"])
def test_san2_range_refuses_an_amount_outside_the_range(amount: str) -> None:
    assert refused(ranged(50, 1000), Offence(chosen_amount=Decimal(amount))) == "amount_out_of_range"


def test_san2_issuing_a_range_checks_the_chosen_amount_against_the_range() -> None:
    assert check_chosen(ranged(10, 100), None, Decimal("100")) == Decimal("100.00")
    with pytest.raises(AmountError, match=r"between 10\.00 and 100\.00"):
        check_chosen(ranged(10, 100), None, Decimal("100.01"))


def test_san2_per_piece_range_scales_its_bounds_with_the_pieces() -> None:
    rule = ranged_per_piece(50, 200)
    assert penalty(rule, Offence(pieces=3)) == Decimal("150.00")
    assert check_chosen(rule, 3, Decimal(600)) == Decimal("600.00")
    assert refused(rule, Offence(pieces=3, chosen_amount=Decimal("600.01"))) == "amount_out_of_range"


def test_san2_per_piece_multiplies_the_rate_by_the_pieces() -> None:
    assert penalty(per_piece(20), Offence(pieces=7)) == Decimal("140.00")


@pytest.mark.parametrize("rule", [per_piece(20), SHIFT_CAP, ranged_per_piece(50, 200)])
@pytest.mark.parametrize("pieces", [None, 0])
def test_san2_piece_rules_need_pieces(rule: AmountRule, pieces: int | None) -> None:
    assert refused(rule, Offence(pieces=pieces)) == "pieces_required"


@pytest.mark.parametrize(
    ("pieces", "amount"), [(1, "10.00"), (10, "100.00"), (11, "200.00"), (12, "200.00"), (40, "200.00")]
)
def test_san2_5_2_1_11_ten_per_piece_and_200_for_more_than_ten_in_a_shift(pieces: int, amount: str) -> None:
    assert shift_amount(SHIFT_CAP, pieces) == Decimal(amount)
    assert penalty(SHIFT_CAP, Offence(pieces=pieces, shift="2026-11-24-A")) == Decimal(amount)


def test_san2_5_2_1_11_later_reports_of_one_shift_add_only_up_to_the_shift_amount() -> None:
    first = penalty(SHIFT_CAP, Offence(pieces=5, shift="A"))
    second = penalty(SHIFT_CAP, Offence(pieces=7, shift="A"), PriorRecord(shift_pieces_before=5))
    third = penalty(SHIFT_CAP, Offence(pieces=3, shift="A"), PriorRecord(shift_pieces_before=12))

    assert (first, second, third) == (Decimal("50.00"), Decimal("150.00"), Decimal("0.00"))
    assert first + second + third == shift_amount(SHIFT_CAP, 15)


def test_san2_repeat_escalation_first_time_is_200_without_dismissal() -> None:
    priced = charge(Kind.PENALTY, escalation(200), Offence(), FIRST, TWO)
    assert (priced.amount, priced.dismissal) == (Decimal("200.00"), False)


def test_san2_repeat_escalation_second_time_is_dismissal_without_a_fine() -> None:
    priced = charge(Kind.PENALTY, escalation(200), Offence(), PriorRecord(earlier_offences=1), TWO)
    assert (priced.dismissal, priced.amount) == (True, Decimal("0.00"))


def test_san2_a_repeat_within_twelve_months_is_multiplied_by_the_factor() -> None:
    prior = PriorRecord(repeats_within_12_months=1, earlier_offences=1)
    priced = charge(Kind.PENALTY, fixed(50, on_repeat=True), Offence(), prior, TWO)
    assert (priced.amount, priced.aggravated) == (Decimal("100.00"), True)


def test_san2_the_aggravation_factor_is_configurable() -> None:
    prior = PriorRecord(repeats_within_12_months=2)
    assert penalty(per_piece(20, on_repeat=True), Offence(pieces=2), prior, Decimal("1.5")) == Decimal("60.00")


def test_san2_a_repeat_older_than_twelve_months_is_not_aggravated() -> None:
    assert penalty(fixed(20, on_repeat=True), Offence(), PriorRecord(earlier_offences=3)) == Decimal("20.00")


def test_san2_a_clause_without_aggravation_ignores_repeats() -> None:
    assert penalty(fixed(50), Offence(), PriorRecord(repeats_within_12_months=4)) == Decimal("50.00")


def test_san2_serious_circumstances_aggravate_a_circumstance_clause() -> None:
    assert penalty(fixed(20, on_circumstance=True), Offence(aggravating=True, note="未通知品质管理部")) == Decimal(
        "40.00"
    )


def test_san2_a_repeat_does_not_aggravate_a_circumstance_clause() -> None:
    prior = PriorRecord(repeats_within_12_months=1, earlier_offences=1)
    assert penalty(per_piece(20, on_circumstance=True), Offence(pieces=1), prior) == Decimal("20.00")


def test_san2_an_aggravating_circumstance_needs_its_reason_in_the_note() -> None:
    assert (
        refused(fixed(50, on_circumstance=True), Offence(aggravating=True, note=" ")) == "aggravation_reason_required"
    )


def test_san2_a_repeat_clause_is_not_aggravated_by_a_stated_circumstance() -> None:
    assert refused(fixed(20, on_repeat=True), Offence(aggravating=True, note="情节严重")) == "not_aggravatable"


def test_san2_serious_circumstances_are_refused_where_the_clause_has_no_aggravation() -> None:
    assert refused(fixed(50), Offence(aggravating=True)) == "not_aggravatable"


def test_san2_compensation_is_kept_apart_from_the_penalty() -> None:
    priced = charge(
        Kind.PENALTY, ranged(10, 100, compensation=True), Offence(compensation=Decimal("350.5")), FIRST, TWO
    )
    assert (priced.amount, priced.compensation) == (Decimal("10.00"), Decimal("350.50"))


def test_san2_compensation_is_refused_where_the_operator_bears_no_loss() -> None:
    assert refused(fixed(50), Offence(compensation=Decimal(10))) == "compensation_not_applicable"


def test_san2_compensation_is_not_aggravated() -> None:
    rule = fixed(50, compensation=True)
    priced = charge(
        Kind.PENALTY, rule, Offence(compensation=Decimal(100)), PriorRecord(repeats_within_12_months=1), TWO
    )
    assert priced.compensation == Decimal("100.00")


def test_san2_amounts_are_decimals_with_two_places() -> None:
    amount = penalty(
        per_piece(20, on_repeat=True), Offence(pieces=1), PriorRecord(repeats_within_12_months=1), Decimal("1.333")
    )
    assert amount == Decimal("26.66") and amount.as_tuple().exponent == -2


def test_san2_twelve_months_before_keeps_the_day_and_the_offset() -> None:
    assert twelve_months_before(datetime(2026, 11, 24, 2, tzinfo=UTC)) == datetime(2025, 11, 24, 2, tzinfo=UTC)


def test_san2_twelve_months_before_a_leap_day_is_the_28th() -> None:
    assert twelve_months_before(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(2027, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize("factor", ["0.5", "11"])
def test_san2_an_aggravation_factor_outside_1_to_10_is_refused(factor: str) -> None:
    with pytest.raises(AmountError):
        check_factor(Decimal(factor))


def test_san2_an_amount_larger_than_any_notice_is_refused() -> None:
    assert (
        refused(per_piece(10_000, on_circumstance=True), Offence(pieces=1_000, aggravating=True, note="x"))
        == "amount_too_large"
    )


def test_san2_5_2_1_11_needs_the_shift() -> None:
    assert refused(SHIFT_CAP, Offence(pieces=3)) == "shift_required"
