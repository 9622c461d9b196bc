"""REP-1 shop-floor reports: every kind, supplier-material fields when the kind needs them."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.reports.rules import implied_flags
from services.intake.reports.schemas import ReportIn
from shared.http.problems import clean_errors


def report(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "scrap",
        "model": "VX-200",
        "quantity": 120,
        "production_line": "L1",
        "shift": "2026-11-24-A",
        "loss_amount": "3500.00",
        "personal_injury": False,
        "reputation_impact": False,
        "cause_category": "machine",
        "description": "砂眼",
        "reported_by": "E-17",
        "department": "machining",
        "occurred_at": "2026-11-24T10:00:00+08:00",
    }
    data.update(overrides)
    return data


SUPPLIER = {"supplier": "SUP-1", "defect_class": "A", "defect_type": "appearance"}


@pytest.mark.parametrize("kind", ["scrap", "rework", "nonconformity"])
def test_rep1_counted_kinds_are_valid(kind: str) -> None:
    assert ReportIn.model_validate(report(kind=kind)).kind == kind


def test_rep1_supplier_material_report_carries_supplier_class_and_type() -> None:
    parsed = ReportIn.model_validate(report(kind="supplier_material", **SUPPLIER))
    assert parsed.defect_class == "A"


@pytest.mark.parametrize("missing", ["supplier", "defect_class", "defect_type"])
def test_rep1_supplier_material_report_without_supplier_fields_is_refused(missing: str) -> None:
    fields = {k: v for k, v in SUPPLIER.items() if k != missing}
    with pytest.raises(ValidationError, match=missing):
        ReportIn.model_validate(report(kind="supplier_material", **fields))


def test_rep1_supplier_fields_belong_to_supplier_material_reports_only() -> None:
    with pytest.raises(ValidationError, match="supplier_material reports only"):
        ReportIn.model_validate(report(kind="scrap", supplier="SUP-1"))


@pytest.mark.parametrize(
    "overrides",
    [
        {"defect_class": "D", "kind": "supplier_material", "supplier": "S", "defect_type": "appearance"},
        {"defect_type": "smell", "kind": "supplier_material", "supplier": "S", "defect_class": "A"},
        {"kind": "explosion"},
        {"cause_category": "weather"},
        {"quantity": -1},
        {"quantity": 0},
        {"loss_amount": "-1.00"},
        {"loss_amount": "12.345"},
        {"loss_amount": "lots"},
        {"occurred_at": "2026-11-31T10:00:00+08:00"},
        {"occurred_at": "2099-01-01T10:00:00+08:00"},
        {"description": "x" * 4001},
        {"extra": True},
    ],
)
def test_rep1_malformed_report_is_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ReportIn.model_validate(report(**overrides))


def test_rep1_loss_amount_may_be_a_number_and_travels_as_a_string() -> None:
    parsed = ReportIn.model_validate(report(loss_amount=3500))
    assert parsed.loss_amount == Decimal("3500")


def test_rep1_injury_report_without_quantity_is_valid_and_implies_personal_injury() -> None:
    parsed = ReportIn.model_validate(report(kind="customer_injury", quantity=0, personal_injury=None))
    assert implied_flags(parsed.kind.value, parsed.personal_injury, parsed.reputation_impact) == (True, False)


def test_rep1_injury_report_denying_injury_is_refused() -> None:
    with pytest.raises(ValidationError, match="personal_injury"):
        ReportIn.model_validate(report(kind="customer_injury", personal_injury=False))


def test_rep1_reputation_report_implies_reputation_impact() -> None:
    parsed = ReportIn.model_validate(report(kind="reputation", quantity=0, reputation_impact=None))
    assert implied_flags(parsed.kind.value, parsed.personal_injury, parsed.reputation_impact) == (False, True)


def test_rep1_an_occurred_at_ahead_of_now_is_refused_on_that_field() -> None:
    with pytest.raises(ValidationError) as refused:
        ReportIn.model_validate(report(occurred_at="2099-01-01T10:00:00+08:00"))
    assert clean_errors([dict(error) for error in refused.value.errors()]) == [
        {"loc": ["occurred_at"], "msg": "occurred_at lies in the future", "type": "value_error"}
    ]
