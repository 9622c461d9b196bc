"""CRM-7 / CMP-5: a tier decided in crm travels to intake and makes the customer's next complaint serious."""

import uuid

import httpx
import pytest

from tests.integration.factories import product_complaint
from tests.support import auth, eventually

pytestmark = pytest.mark.integration


async def test_crm7_diamond_tier_reaches_intake_and_the_next_complaint_is_serious(
    crm: httpx.AsyncClient, intake: httpx.AsyncClient
) -> None:
    customer_id = f"C-{uuid.uuid4()}"
    body = {
        "name": "广州某机电有限公司",
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
        "annual_revenue": "6000000.00",
        "provincial_designated": False,
    }
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))
    assert response.json()["tier"] == "diamond"

    async def serious_complaint() -> dict[str, object] | None:
        filed = await intake.post(
            "/v1/complaints", json=product_complaint(customer_id=customer_id), headers=auth("customer_service")
        )
        assert filed.status_code == 201, filed.text
        complaint: dict[str, object] = filed.json()
        return complaint if complaint["severity"] == "serious" else None

    complaint = await eventually(serious_complaint, interval=0.5)
    assert complaint["customer_id"] == customer_id
