"""SAN-6 and SAN-7 over the real broker: incident events draft 5.2.1.13; concession deductions are totalled."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.events.classification import IncidentEscalatedV1, SupplierDeductionRecordedV1
from shared.stack import Stack
from tests.integration.sanctions_helpers import QM, classified, message, restore_spec_catalog
from tests.support import auth, eventually, produce

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


async def notices_of(sanctions: httpx.AsyncClient, employee_id: str) -> list[dict[str, Any]]:
    response = await sanctions.get("/v1/notices", params={"employee_id": employee_id}, headers=QM)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_san6_batch_incident_delivered_twice_and_escalated_drafts_one_leadership_notice(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    incident, head, sentinel_head = str(uuid.uuid4()), f"H-{uuid.uuid4().hex[:8]}", f"H-{uuid.uuid4().hex[:8]}"
    escalated = IncidentEscalatedV1(
        **classified(incident, head, level="major").model_dump(exclude={"classified_at"}),
        previous_level="batch",
        escalated_at=datetime.now(UTC),
    )
    # Everything on one key, so the sentinel's draft proves the earlier events were applied before it.
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.INCIDENTS,
        [
            message(incident, classified(incident, head)),
            message(incident, classified(incident, head)),
            message(incident, escalated),
            message(incident, classified(str(uuid.uuid4()), sentinel_head)),
        ],
    )

    await eventually(lambda: notices_of(sanctions, sentinel_head))
    drafts = await notices_of(sanctions, head)

    assert len(drafts) == 1
    draft = drafts[0]
    assert (draft["clause"], draft["status"], draft["incident_id"]) == ("5.2.1.13", "draft", incident)
    assert (draft["amount"], draft["amount_chosen"]) == ("50.00", False)
    assert draft["employee"]["department"] == "machining"


async def test_san6_a_general_incident_drafts_nothing(stack: Stack, sanctions: httpx.AsyncClient) -> None:
    quiet_head, sentinel_head = f"H-{uuid.uuid4().hex[:8]}", f"H-{uuid.uuid4().hex[:8]}"
    key = str(uuid.uuid4())
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.INCIDENTS,
        [
            message(key, classified(str(uuid.uuid4()), quiet_head, level="general")),
            message(key, classified(str(uuid.uuid4()), sentinel_head, level="major")),
        ],
    )

    await eventually(lambda: notices_of(sanctions, sentinel_head))

    assert await notices_of(sanctions, quiet_head) == []


def deduction(deduction_id: str, supplier: str, amount: str, at: datetime) -> SupplierDeductionRecordedV1:
    return SupplierDeductionRecordedV1(
        deduction_id=deduction_id,
        incident_id=str(uuid.uuid4()),
        supplier=supplier,
        concession_kind="sorting",
        hours=Decimal("2.5"),
        rate_per_hour=Decimal("80.00"),
        amount=Decimal(amount),
        occurred_at=at,
    )


async def test_san7_supplier_deductions_are_totalled_per_supplier_and_month(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    supplier = f"供应商-{uuid.uuid4().hex[:6]}"
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    november, december = datetime(2026, 11, 3, 2, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC)
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.SUPPLIER_DEDUCTIONS,
        [
            message(supplier, deduction(first, supplier, "200.00", november)),
            message(supplier, deduction(first, supplier, "200.00", november)),
            message(supplier, deduction(str(uuid.uuid4()), supplier, "150.50", november)),
            # 01:00 on 1 December in China time belongs to December.
            message(supplier, deduction(second, supplier, "99.99", december)),
        ],
    )

    async def totals() -> list[dict[str, Any]]:
        response = await sanctions.get(
            "/v1/supplier-deductions/totals", params={"supplier": supplier}, headers=auth("finance")
        )
        items: list[dict[str, Any]] = response.json()["items"]
        return items if len(items) == 2 else []

    items = await eventually(totals)

    assert [(i["month"], i["total"], i["deductions"]) for i in items] == [
        ("2026-12", "99.99", 1),
        ("2026-11", "350.50", 2),
    ]
    listed = await sanctions.get(
        "/v1/supplier-deductions", params={"supplier": supplier, "month": "2026-11"}, headers=auth("admin_dept")
    )
    assert len(listed.json()["items"]) == 2
    assert (await sanctions.get("/v1/supplier-deductions/totals", headers=auth("sales"))).status_code == 403
