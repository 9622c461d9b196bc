"""SPEC §7 (rev. 2026-12): who may set which field of a customer."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.crm.customers.rules import fields_not_permitted, writes_own_customers_only
from services.crm.customers.schemas import CustomerIn

STORED: dict[str, object] = {
    "name": "佛山某五金厂",
    "region": {"province": "广东", "city": "佛山", "county": None, "revenue_group": 2},
    "contact": None,
    "annual_revenue": Decimal("120000.00"),
    "provincial_designated": False,
    "sales_owner": "E-REP",
    "regional_sales_rep": "E-REP",
    "nature": None,
    "scale": None,
    "trend": None,
    "contract_signed_on": None,
}


def refused(roles: list[str], **wanted: object) -> list[str]:
    return fields_not_permitted(roles, STORED, wanted)


def test_sec7_a_rep_edits_contact_and_region_of_their_customer() -> None:
    region = {"province": "广东", "city": "佛山", "county": "顺德", "revenue_group": 2}
    assert refused(["sales"], name="佛山某五金有限公司", region=region) == []


def test_sec7_a_rep_edits_the_contact_data_of_their_customer() -> None:
    contact = {"person": "陈经理", "phone": "13900000000", "email": None, "address": None}
    assert refused(["sales"], contact=contact) == []


def test_sec7_a_rep_may_not_make_a_customer_diamond() -> None:
    assert refused(["sales"], provincial_designated=True) == ["provincial_designated"]


def test_sec7_a_rep_may_not_inflate_revenue() -> None:
    assert refused(["sales"], annual_revenue=Decimal("6000000.00")) == ["annual_revenue"]


def test_sec7_repeating_the_stored_value_is_fine() -> None:
    assert refused(["sales"], annual_revenue=Decimal("120000"), provincial_designated=False, sales_owner="E-REP") == []


def test_sec7_a_rep_may_not_name_the_regional_rep_or_the_owner() -> None:
    assert refused(["sales"], sales_owner="E-REP-2", regional_sales_rep="E-OTHER") == [
        "sales_owner",
        "regional_sales_rep",
    ]


def test_sec7_every_refused_field_is_named() -> None:
    wanted = {"annual_revenue": Decimal("1"), "provincial_designated": True, "regional_sales_rep": "E-X"}
    assert refused(["sales"], **wanted) == ["annual_revenue", "provincial_designated", "regional_sales_rep"]


def test_sec7_revenue_comes_from_erp_or_admin_dept() -> None:
    assert refused(["erp"], annual_revenue=Decimal("6000000.00")) == []
    assert refused(["admin_dept"], annual_revenue=Decimal("6000000.00")) == []
    assert refused(["sales_manager"], annual_revenue=Decimal("6000000.00")) == ["annual_revenue"]


def test_sec7_only_admin_dept_designates() -> None:
    assert refused(["admin_dept"], provincial_designated=True) == []
    for role in ("erp", "sales_manager", "sales"):
        assert refused([role], provincial_designated=True) == ["provincial_designated"]


def test_sec7_sales_manager_or_admin_dept_assign_owner_and_regional_rep() -> None:
    for role in ("sales_manager", "admin_dept"):
        assert refused([role], sales_owner="E-NEW", regional_sales_rep="E-LOCAL") == []
    assert refused(["erp"], sales_owner="E-NEW") == ["sales_owner"]


def test_sec7_a_rep_records_the_contract_date_once() -> None:
    assert refused(["sales"], contract_signed_on=date(2026, 11, 1)) == []


def test_sec7_a_rep_may_not_reset_the_contract_date_once_set() -> None:
    signed = {**STORED, "contract_signed_on": date(2026, 11, 1)}
    assert fields_not_permitted(["sales"], signed, {"contract_signed_on": None}) == ["contract_signed_on"]
    assert fields_not_permitted(["sales"], signed, {"contract_signed_on": date(2027, 1, 1)}) == ["contract_signed_on"]
    assert fields_not_permitted(["sales_manager"], signed, {"contract_signed_on": date(2027, 1, 1)}) == []


def test_sec7_a_rep_may_not_change_class_factors_once_set() -> None:
    classified = {**STORED, "nature": "distributor", "scale": "large", "trend": "growing"}
    assert fields_not_permitted(["sales"], classified, {"scale": "small"}) == ["scale"]


def test_sec7_roles_add_up() -> None:
    assert refused(["sales", "erp"], annual_revenue=Decimal("300000.00")) == []


def test_sec7_only_plain_writers_are_held_to_their_own_customers() -> None:
    assert writes_own_customers_only(["sales"])
    assert not writes_own_customers_only(["sales", "sales_manager"])
    assert not writes_own_customers_only(["erp"])


def test_sec7_a_put_body_names_only_the_fields_it_sets() -> None:
    body = CustomerIn.model_validate({"region": {"province": "广东"}, "contract_signed_on": None, "contact": None})
    assert body.given() == {
        "region": {"province": "广东", "city": None, "county": None, "revenue_group": 1},
        "contract_signed_on": None,
        "contact": None,
    }


@pytest.mark.parametrize("field", ["name", "region", "annual_revenue", "provincial_designated"])
def test_sec7_required_facts_may_be_left_out_but_not_cleared(field: str) -> None:
    with pytest.raises(ValidationError):
        CustomerIn.model_validate({field: None})


def test_sec7_revenue_year_comes_with_revenue() -> None:
    with pytest.raises(ValidationError):
        CustomerIn.model_validate({"revenue_year": 2025})
