"""Bad input to crm is refused by the schemas, before it can reach the database."""

import pytest
from pydantic import ValidationError

from services.crm.customers.schemas import CustomerIn
from services.crm.fees.schemas import AdvanceIn, StatementIn

CUSTOMER = {"name": "某公司", "region": {"province": "广东"}, "annual_revenue": "10.00"}


def test_crm1_nul_character_in_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="control character"):
        CustomerIn.model_validate({**CUSTOMER, "name": "bad\x00name"})


@pytest.mark.parametrize("revenue", ["1.001", "-0.01", "1000000000000.00", "abc"])
def test_crm1_revenue_must_be_money(revenue: str) -> None:
    with pytest.raises(ValidationError):
        CustomerIn.model_validate({**CUSTOMER, "annual_revenue": revenue})


def test_crm1_revenue_may_be_a_number_or_a_string() -> None:
    assert CustomerIn.model_validate({**CUSTOMER, "annual_revenue": 2500000}).annual_revenue == 2500000
    assert str(CustomerIn.model_validate(CUSTOMER).annual_revenue) == "10.00"


def test_crm6_advance_must_be_positive() -> None:
    with pytest.raises(ValidationError):
        AdvanceIn.model_validate({"amount": "0.00", "purpose": "x"})


def test_crm6_statement_totals_must_fit_in_money() -> None:
    line = {"customer_id": "C-1", "product": "P", "purpose": "buyer", "purchase_amount": "999999999999.99"}
    lines = [{**line, "fee_amount": "1.00"}, {**line, "fee_amount": "1.00"}]
    with pytest.raises(ValidationError, match="purchase_amount"):
        StatementIn.model_validate({"month": "2026-10", "lines": lines})
