"""CMP-1/CMP-2: what a complaint must carry, and what cannot be true of it."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.complaints.schemas import ComplaintIn, HandoverIn, ReplyIn, ReturnVisitIn


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "product_quality",
        "channel": "phone",
        "complainant": {"name": "王伟", "phone": "13800000000"},
        "product": {"model": "VX-200", "quantity": 3, "batch_no": "B1", "production_date": "2026-11-01"},
        "description": "阀门漏水",
        "received_at": "2026-11-24T09:30:00+08:00",
    }
    data.update(overrides)
    return data


def test_cmp2_product_complaint_with_every_field_is_valid() -> None:
    complaint = ComplaintIn.model_validate(body(circumstances="储存于常温仓库", customer_id="C-1"))
    assert complaint.product is not None and complaint.product.batch_no == "B1"


def test_cmp1_service_complaint_needs_its_aspect() -> None:
    with pytest.raises(ValidationError, match="service_aspect"):
        ComplaintIn.model_validate(body(kind="service", product=None))


def test_cmp1_service_complaint_carries_no_product() -> None:
    with pytest.raises(ValidationError, match="no product"):
        ComplaintIn.model_validate(body(kind="service", service_aspect="attitude"))


def test_cmp1_product_complaint_needs_its_product() -> None:
    with pytest.raises(ValidationError, match="needs product"):
        ComplaintIn.model_validate(body(product=None))


def test_cmp2_received_at_without_an_offset_is_china_time() -> None:
    complaint = ComplaintIn.model_validate(body(received_at="2026-11-24T09:30:00"))
    assert complaint.received_at.isoformat() == "2026-11-24T09:30:00+08:00"


@pytest.mark.parametrize(
    "overrides",
    [
        {"channel": "fax"},
        {"kind": "warranty"},
        {"severity": "critical"},
        {"received_at": "2026-02-30T09:30:00+08:00"},
        {"description": "x" * 4001},
        {"description": ""},
        {"complainant": {"name": "王伟", "email": "not-an-email"}},
        {"complainant": {"phone": "13800000000"}},
        {"unknown": 1},
    ],
)
def test_cmp2_malformed_complaint_is_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ComplaintIn.model_validate(body(**overrides))


def test_cmp2_negative_quantity_is_refused() -> None:
    with pytest.raises(ValidationError):
        ComplaintIn.model_validate(body(product={"model": "VX-200", "quantity": -3}))


def test_cmp2_complaint_cannot_be_received_in_the_future() -> None:
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    with pytest.raises(ValidationError, match="future"):
        ComplaintIn.model_validate(body(received_at=future))


def test_cmp2_product_cannot_be_made_after_the_complaint() -> None:
    product = {"model": "VX-200", "production_date": "2026-12-20"}
    with pytest.raises(ValidationError, match="production_date"):
        ComplaintIn.model_validate(body(product=product))


def test_cmp4_reply_states_cause_resolution_and_improvement() -> None:
    with pytest.raises(ValidationError):
        ReplyIn.model_validate({"cause": "密封圈老化", "resolution": "更换"})


@pytest.mark.parametrize("satisfaction", [0, 6, "5", 4.5])
def test_cmp4_satisfaction_is_a_whole_number_from_1_to_5(satisfaction: object) -> None:
    with pytest.raises(ValidationError):
        ReturnVisitIn.model_validate({"feedback": "满意", "satisfaction": satisfaction})


def test_cmp7_handover_names_the_colleague() -> None:
    with pytest.raises(ValidationError):
        HandoverIn.model_validate({"note": "交给质量部"})


def test_cmp2_complaint_may_arrive_by_wechat() -> None:
    assert ComplaintIn.model_validate(body(channel="wechat")).channel == "wechat"
