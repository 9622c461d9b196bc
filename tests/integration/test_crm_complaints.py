"""CRM-7: the customer view shows the customer's complaints, fed by intake's events."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest

from shared.events import topics
from shared.events.intake import ComplaintProduct, ComplaintReceivedV1, ComplaintStatusChangedV1
from shared.messaging.outbox import envelope_for
from shared.stack import Stack
from tests.support import auth, eventually, produce

pytestmark = pytest.mark.integration


def received(complaint_id: str, customer_id: str) -> bytes:
    now = datetime.now(UTC)
    data = ComplaintReceivedV1(
        complaint_id=complaint_id,
        complaint_no="TS-20261124-0042",
        kind="product_quality",
        severity="general",
        channel="phone",
        status="received",
        customer_id=customer_id,
        product=ComplaintProduct(model="VX-200"),
        description="阀门漏水",
        recorded_by="E-01",
        received_at=now,
        investigate_by=now,
        reply_by=now,
    )
    return envelope_for(data).model_dump_json().encode()


def status_changed(complaint_id: str, customer_id: str, to_status: str) -> bytes:
    data = ComplaintStatusChangedV1(
        complaint_id=complaint_id,
        complaint_no="TS-20261124-0042",
        customer_id=customer_id,
        severity="serious",
        from_status="received",
        to_status=to_status,
        changed_by="E-02",
        changed_at=datetime.now(UTC),
    )
    return envelope_for(data).model_dump_json().encode()


async def test_crm7_produced_complaint_shows_in_the_customer_view(stack: Stack, crm: httpx.AsyncClient) -> None:
    customer_id, complaint_id = f"C-{uuid.uuid4()}", str(uuid.uuid4())
    body = {
        "name": "杭州某阀门厂",
        "region": {"province": "浙江", "city": "杭州", "revenue_group": 1},
        "annual_revenue": "50000.00",
    }
    assert (await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))).status_code == 200
    bootstrap = stack.kafka_bootstrap_servers or ""
    key = complaint_id.encode()
    await produce(bootstrap, topics.COMPLAINTS, [(key, received(complaint_id, customer_id))])

    async def shown() -> dict[str, object] | None:
        view = (await crm.get(f"/v1/customers/{customer_id}", headers=auth("sales"))).json()
        complaints: dict[str, object] = view["complaints"]
        return complaints if complaints["total"] == 1 else None

    summary = await eventually(shown)
    assert summary["open"] == 1
    assert summary["recent"][0]["complaint_id"] == complaint_id  # type: ignore[index]

    await produce(bootstrap, topics.COMPLAINTS, [(key, status_changed(complaint_id, customer_id, "closed"))])

    async def closed() -> list[dict[str, object]] | None:
        page = (await crm.get(f"/v1/customers/{customer_id}/complaints", headers=auth("customer_service"))).json()
        items: list[dict[str, object]] = page["items"]
        return items if items and items[0]["status"] == "closed" else None

    items = await eventually(closed)
    assert items[0]["severity"] == "serious"


async def test_crm7_a_batch_of_receipts_with_a_repeat_and_a_closing_counts_each_complaint_once(
    stack: Stack, crm: httpx.AsyncClient
) -> None:
    customer_id = f"C-{uuid.uuid4()}"
    ids = [str(uuid.uuid4()) for _ in range(5)]
    key = customer_id.encode()  # one partition: the batch arrives together and in this order
    records = [(key, received(complaint_id, customer_id)) for complaint_id in ids]
    records += [(key, received(ids[0], customer_id)), (key, status_changed(ids[1], customer_id, "closed"))]
    await produce(stack.kafka_bootstrap_servers or "", topics.COMPLAINTS, records)

    async def counted() -> dict[str, object] | None:
        page = await crm.get(f"/v1/customers/{customer_id}/complaints", headers=auth("customer_service"))
        items: list[dict[str, object]] = page.json()["items"]
        closed = [item for item in items if item["status"] == "closed"]
        return {"ids": sorted(str(item["complaint_id"]) for item in items)} if closed else None

    assert (await eventually(counted))["ids"] == sorted(ids)
