"""SPEC §9 Bodies and §8 money, in every service's request models: a control character is a 422 for
its field; money is a plain decimal with at most two places."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from services.classification.incidents.schemas import ReclassifyIn
from services.crm.fees.schemas import AdvanceIn, BudgetIn
from services.intake.complaints.schemas import ComplaintIn
from services.intake.reports.schemas import ReportIn
from services.sanctions.clauses.schemas import AmountRuleIn
from services.sanctions.notices.schemas import ViolationIn

COMPLAINT = {
    "kind": "service",
    "service_aspect": "attitude",
    "channel": "phone",
    "complainant": {"name": "王伟", "phone": "13800000000"},
    "description": "态度差",
    "received_at": "2026-11-24T09:30:00+08:00",
}
REPORT = {
    "kind": "scrap",
    "model": "VX-200",
    "quantity": 120,
    "description": "报废",
    "occurred_at": "2026-11-24T10:00:00+08:00",
}
VIOLATION = {
    "clause": "5.2.1.11",
    "employee": {"id": "E-17", "name": "李娜", "department": "quality"},
    "pieces": 12,
    "occurred_at": "2026-11-24T10:00:00+08:00",
}


def refused_fields(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(data)
    return [(tuple(error["loc"]), error["type"]) for error in refused.value.errors()]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u009b"])
def test_bodies_a_control_character_in_a_complaint_is_refused_for_its_field(character: str) -> None:
    data = {**COMPLAINT, "complainant": {"name": f"王{character}伟"}}
    assert refused_fields(ComplaintIn, data) == [(("complainant", "name"), "control_character")]


def test_bodies_a_control_character_in_a_shop_floor_report_is_refused_for_its_field() -> None:
    assert refused_fields(ReportIn, {**REPORT, "description": "报\x01废"}) == [(("description",), "control_character")]


def test_bodies_a_control_character_in_a_reclassification_is_refused_for_its_field() -> None:
    data = {"level": "batch", "reason": "复核\x00"}
    assert refused_fields(ReclassifyIn, data) == [(("reason",), "control_character")]


def test_bodies_a_control_character_in_a_violation_is_refused_for_its_field() -> None:
    data = {**VIOLATION, "employee": {**VIOLATION["employee"], "department": "qua\x0blity"}}  # type: ignore[dict-item]
    assert refused_fields(ViolationIn, data) == [(("employee", "department"), "control_character")]


def test_bodies_a_control_character_in_a_fee_advance_is_refused_for_its_field() -> None:
    data = {"amount": "100.00", "purpose": "客情\x1f"}
    assert refused_fields(AdvanceIn, data) == [(("purpose",), "control_character")]


def test_bodies_line_breaks_and_tabs_are_text() -> None:
    assert ComplaintIn.model_validate({**COMPLAINT, "description": "第一行\n第二行\r\n\t缩进"}).description


@pytest.mark.parametrize(
    "model,field,base",
    [(ReportIn, "loss_amount", REPORT), (BudgetIn, "amount", {}), (ViolationIn, "amount", VIOLATION)],
)
@pytest.mark.parametrize(
    "amount",
    [
        "-0",
        "-0.00",
        "1_000",
        "１２",
        "1e3",
        "1E3",
        "NaN",
        "Infinity",
        " 12",
        "12 ",
        "+12",
        "12.",
        ".5",
        "0x10",
        "12.345",
        12.345,
        float("nan"),
        float("inf"),
        True,
        "-1.00",
        -1,
    ],
)
def test_money_input_is_a_plain_decimal_with_at_most_two_places(
    model: type[BaseModel], field: str, base: dict[str, Any], amount: object
) -> None:
    assert [loc for loc, _ in refused_fields(model, {**base, field: amount})] == [(field,)]


@pytest.mark.parametrize("amount,expected", [(12, "12"), (12.5, "12.5"), ("12.50", "12.50"), ("0", "0"), (0, "0")])
def test_money_input_takes_a_number_or_a_string(amount: object, expected: str) -> None:
    assert ReportIn.model_validate({**REPORT, "loss_amount": amount}).loss_amount == Decimal(expected)


def test_money_of_a_clause_keeps_its_own_ceiling() -> None:
    assert AmountRuleIn.model_validate({"rule": "fixed", "amount": "10000000.00"}).amount == Decimal("10000000.00")
    assert refused_fields(AmountRuleIn, {"rule": "fixed", "amount": "10000000.01"})[0][0] == ("amount",)
