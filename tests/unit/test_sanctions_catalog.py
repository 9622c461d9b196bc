"""SAN-1: the catalog is the SPEC table, and every clause prices a typical case as the policy says."""

from decimal import Decimal

import pytest

from services.sanctions.clauses.catalog import DEFAULT_CATALOG
from services.sanctions.clauses.rules import (
    DEFAULT_AGGRAVATION_FACTOR,
    AmountRule,
    Clause,
    Kind,
    Offence,
    PriorRecord,
    RuleKind,
    charge,
)

CATALOG = {clause.code: clause for clause in DEFAULT_CATALOG}

# code → (kind, rule of the default case, pieces, amount of a first offence: a draft's minimum for ranges)
SPEC_TABLE = {
    "5.1.1.1": ("penalty", "range", None, "20.00"),
    "5.1.1.2": ("penalty", "repeat_escalation", None, "200.00"),
    "5.1.1.3": ("penalty", "fixed", None, "50.00"),
    "5.1.2.1": ("reward", "fixed", None, "100.00"),
    "5.1.3.1": ("penalty", "fixed", None, "500.00"),
    "5.1.3.2": ("penalty", "fixed", None, "100.00"),
    "5.1.4.1": ("reward", "fixed", None, "50.00"),
    "5.1.5.1": ("penalty", "fixed", None, "20.00"),
    "5.1.5.2": ("penalty", "fixed", None, "50.00"),
    "5.2.1.1": ("penalty", "fixed", None, "50.00"),
    "5.2.1.2": ("penalty", "per_piece", 3, "60.00"),
    "5.2.1.3": ("penalty", "repeat_escalation", None, "200.00"),
    "5.2.1.4": ("penalty", "fixed", None, "50.00"),
    "5.2.1.5": ("penalty", "fixed", None, "100.00"),
    "5.2.1.6": ("penalty", "fixed", None, "50.00"),
    "5.2.1.7": ("penalty", "fixed", None, "50.00"),
    "5.2.1.8": ("penalty", "fixed", None, "50.00"),
    "5.2.1.9": ("penalty", "fixed", None, "50.00"),
    "5.2.1.10": ("penalty", "fixed", None, "20.00"),
    "5.2.1.11": ("penalty", "per_piece_with_shift_cap", 12, "200.00"),
    "5.2.1.12": ("penalty", "range_per_piece", 2, "100.00"),
    "5.2.1.13": ("penalty", "range", None, "50.00"),
    "5.2.2.1": ("reward", "fixed", None, "50.00"),
    "5.2.2.2": ("reward", "fixed", None, "20.00"),
    "5.2.2.3": ("reward", "fixed", None, "20.00"),
    "5.2.2.4": ("reward", "range", None, "100.00"),
    "5.2.3.1": ("penalty", "fixed", None, "50.00"),
    "5.2.3.2": ("penalty", "range", None, "10.00"),
    "5.2.3.3": ("penalty", "per_piece", 4, "80.00"),
    "5.2.4.1": ("reward", "per_piece", 2, "40.00"),
    "5.2.4.2": ("reward", "per_piece", 5, "100.00"),
    "5.3.1.1": ("reward", "range", None, "100.00"),
    "5.3.2.1": ("penalty", "range", None, "50.00"),
    "5.3.2.2": ("penalty", "range", None, "50.00"),
    "5.3.2.3": ("penalty", "fixed", None, "50.00"),
    "5.3.2.4": ("penalty", "per_piece", 3, "30.00"),
    "5.3.2.5": ("penalty", "fixed", None, "200.00"),
}


def test_san1_catalog_holds_exactly_the_37_clauses_of_the_spec_table() -> None:
    assert list(CATALOG) == list(SPEC_TABLE)


@pytest.mark.parametrize("code", list(SPEC_TABLE))
def test_san1_each_clause_prices_a_first_offence_as_the_spec_table_says(code: str) -> None:
    kind, rule_kind, pieces, amount = SPEC_TABLE[code]
    clause = CATALOG[code]
    _, rule = clause.variant(None)

    priced = charge(clause.kind, rule, Offence(pieces=pieces, shift="A"), PriorRecord(), DEFAULT_AGGRAVATION_FACTOR)

    assert (clause.kind.value, rule.rule.value, priced.amount) == (kind, rule_kind, Decimal(amount))
    assert priced.dismissal is False


@pytest.mark.parametrize("clause", DEFAULT_CATALOG, ids=lambda c: c.code)
def test_san1_each_clause_is_consistent_and_carries_its_policy_text(clause: Clause) -> None:
    assert clause.problems() == []
    assert clause.text and clause.target and clause.summary
    assert clause.text.endswith(("。", ";"))


@pytest.mark.parametrize(
    ("code", "on_repeat", "by_circumstance"),
    [
        ("5.2.1.10", True, False),
        ("5.2.3.1", True, False),
        ("5.1.5.1", False, True),
        ("5.2.1.2", False, True),
        ("5.2.1.9", False, True),
        ("5.2.1.1", False, False),
    ],
)
def test_san2_only_5_2_1_10_and_5_2_3_1_aggravate_on_repeat_the_others_by_circumstance(
    code: str, on_repeat: bool, by_circumstance: bool
) -> None:
    rule = CATALOG[code].variant(None)[1]
    assert (rule.aggravated_on_repeat, rule.aggravated_by_circumstance) == (on_repeat, by_circumstance)


@pytest.mark.parametrize(
    ("code", "variant", "expected"),
    [
        ("5.1.5.1", "careless_damage", AmountRule(RuleKind.FIXED, amount=Decimal("50.00"), compensation=True)),
        ("5.1.5.2", "quality_incident", AmountRule(RuleKind.FIXED, amount=Decimal("500.00"))),
        (
            "5.2.4.2",
            "major_hidden_danger",
            AmountRule(RuleKind.RANGE, min_amount=Decimal(100), max_amount=Decimal(500)),
        ),
        ("5.3.2.1", "reviewer", AmountRule(RuleKind.RANGE, min_amount=Decimal(50), max_amount=Decimal(200))),
        ("5.3.2.2", "head", AmountRule(RuleKind.RANGE, min_amount=Decimal(100), max_amount=Decimal(1000))),
    ],
)
def test_san1_clauses_with_two_cases_carry_both(code: str, variant: str, expected: AmountRule) -> None:
    assert CATALOG[code].variant(variant) == (variant, expected)


def test_san1_operator_losses_are_compensation_clauses() -> None:
    compensated = sorted(
        f"{clause.code}/{name}"
        for clause in DEFAULT_CATALOG
        for name, rule in clause.variants.items()
        if rule.compensation
    )
    assert compensated == ["5.1.5.1/careless_damage", "5.2.3.2/standard"]


def test_san1_rules_round_trip_through_their_stored_form() -> None:
    for clause in DEFAULT_CATALOG:
        for rule in clause.variants.values():
            assert AmountRule.from_json(rule.to_json()) == rule


def test_san1_rewards_are_never_aggravated_or_escalated() -> None:
    reward = Clause(
        "9.1", Kind.REWARD, "x", "x", "x", {"standard": AmountRule(RuleKind.REPEAT_ESCALATION, amount=Decimal(1))}
    )
    assert reward.problems() == ["9.1/standard: a reward does not escalate to dismissal"]
