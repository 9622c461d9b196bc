"""CRM-1: the VIP coefficients are configurable only within [0.8, 0.9]."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.crm.settings import CrmSettings


def test_crm1_default_coefficients_are_0_9_and_0_8() -> None:
    assert CrmSettings().vip_coefficients() == {1: Decimal("1"), 2: Decimal("0.9"), 3: Decimal("0.8")}


@pytest.mark.parametrize("value", ["0.79", "0.91", "1"])
def test_crm1_coefficient_outside_the_policy_range_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        CrmSettings(vip_coefficient_group2=Decimal(value))


def test_crm1_coefficient_inside_the_range_is_taken() -> None:
    assert CrmSettings(vip_coefficient_group3=Decimal("0.85")).vip_coefficients()[3] == Decimal("0.85")


def test_crm6_advance_limit_defaults_to_3000() -> None:
    assert CrmSettings().advance_limit == Decimal("3000.00")
