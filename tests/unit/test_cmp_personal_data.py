"""Complainants' personal data: who reads it, and what everyone else sees (SPEC §7, CMP-2)."""

import pytest

from services.intake.complaints.rules import masked_complainant, sees_personal_data

COMPLAINANT = {
    "name": "王伟",
    "phone": "13800001234",
    "email": "wangwei@example.com",
    "address": "杭州市西湖区某路1号",
    "other_contact": "微信 wangwei88",
}


@pytest.mark.parametrize("role", ["customer_service", "quality_manager"])
def test_complaint_handlers_see_personal_data(role: str) -> None:
    assert sees_personal_data([role], "E-X", "E-OWNER", "general")


def test_the_owner_sees_personal_data_whatever_their_role() -> None:
    assert sees_personal_data(["sales"], "E-OWNER", "E-OWNER", "general")


@pytest.mark.parametrize("role", ["sales", "ops", "admin_dept", "finance"])
def test_others_do_not_see_personal_data(role: str) -> None:
    assert not sees_personal_data([role], "E-X", "E-OWNER", "serious")


def test_executive_sees_personal_data_of_serious_complaints_only() -> None:
    assert sees_personal_data(["executive"], "E-X", "E-OWNER", "serious")
    assert not sees_personal_data(["executive"], "E-X", "E-OWNER", "general")


def test_masked_complainant_keeps_no_way_to_reach_them() -> None:
    assert masked_complainant(COMPLAINANT) == {
        "name": "王**",
        "phone": "*******1234",
        "email": "w***@example.com",
        "address": "***",
        "other_contact": "***",
    }


def test_masking_keeps_what_was_not_given_absent() -> None:
    assert masked_complainant({"name": "李", "phone": "110"}) == {
        "name": "李**",
        "phone": "****",
        "email": None,
        "address": None,
        "other_contact": None,
    }
