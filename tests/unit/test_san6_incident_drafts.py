"""SAN-6: which incidents make the responsible department's head answer under 5.2.1.13."""

from decimal import Decimal

import pytest

from services.sanctions.clauses.catalog import DEFAULT_CATALOG
from services.sanctions.clauses.rules import (
    DEFAULT_AGGRAVATION_FACTOR,
    Kind,
    Offence,
    PriorRecord,
    charge,
)
from services.sanctions.notices.rules import LEADERSHIP_CLAUSE, needs_leadership_draft


@pytest.mark.parametrize(("level", "drafted"), [("batch", True), ("major", True), ("general", False)])
def test_san6_batch_and_major_incidents_always_draft_5_2_1_13(level: str, drafted: bool) -> None:
    assert needs_leadership_draft(level) is drafted


def test_san6_the_leadership_draft_is_a_50_to_1000_penalty_proposing_50() -> None:
    clause = next(c for c in DEFAULT_CATALOG if c.code == LEADERSHIP_CLAUSE)
    _, rule = clause.variant(None)

    priced = charge(clause.kind, rule, Offence(), PriorRecord(), DEFAULT_AGGRAVATION_FACTOR)

    assert (clause.kind, rule.min_amount, rule.max_amount) == (Kind.PENALTY, Decimal("50.00"), Decimal("1000.00"))
    assert (priced.amount, priced.amount_chosen) == (Decimal("50.00"), False)
