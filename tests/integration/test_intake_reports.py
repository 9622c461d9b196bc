"""Issue 3, shop-floor reports over HTTP (REP-1)."""

import uuid
from typing import Any

import httpx
import pytest

from tests.integration.factories import incident_report, supplier_material_report
from tests.support import auth

pytestmark = pytest.mark.integration

INSPECTOR = auth("inspector", sub="E-17")


async def test_rep1_scrap_report_is_filed_and_readable(intake: httpx.AsyncClient) -> None:
    response = await intake.post("/v1/incident-reports", json=incident_report(), headers=INSPECTOR)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["loss_amount"] == "3500.00"

    fetched = await intake.get(f"/v1/incident-reports/{report['id']}", headers=auth("quality_manager"))
    assert fetched.json() == report


async def test_rep1_supplier_material_report_is_listed_by_supplier(intake: httpx.AsyncClient) -> None:
    supplier = f"SUP-{uuid.uuid4().hex[:6]}"
    filed = await intake.post(
        "/v1/incident-reports", json=supplier_material_report(supplier=supplier), headers=INSPECTOR
    )
    assert filed.status_code == 201, filed.text

    listed = (await intake.get("/v1/incident-reports", params={"supplier": supplier}, headers=INSPECTOR)).json()

    assert [item["id"] for item in listed["items"]] == [filed.json()["id"]]
    assert listed["items"][0]["defect_class"] == "B"


@pytest.mark.parametrize(
    "body",
    [
        incident_report(kind="supplier_material"),
        incident_report(supplier="SUP-1"),
        incident_report(kind="sabotage"),
        incident_report(quantity=-1),
        incident_report(quantity="many"),
        incident_report(loss_amount="-5"),
        incident_report(occurred_at="2026-11-24T25:00:00+08:00"),
        incident_report(description="砂" * 50_000),
        incident_report(cause_category="luck"),
    ],
)
async def test_rep1_malformed_report_is_a_422_problem_and_writes_nothing(
    intake: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    model = f"RP-{uuid.uuid4().hex[:8]}"
    response = await intake.post("/v1/incident-reports", json={**body, "model": model}, headers=INSPECTOR)

    assert response.status_code == 422, response.text
    listed = (await intake.get("/v1/incident-reports", params={"model": model}, headers=INSPECTOR)).json()
    assert listed["items"] == []


async def test_rep1_idempotency_key_files_the_report_once(intake: httpx.AsyncClient) -> None:
    model = f"RP-{uuid.uuid4().hex[:8]}"
    keyed = {**INSPECTOR, "Idempotency-Key": str(uuid.uuid4())}
    body = incident_report(model=model)

    first = await intake.post("/v1/incident-reports", json=body, headers=keyed)
    second = await intake.post("/v1/incident-reports", json=body, headers=keyed)
    other = await intake.post("/v1/incident-reports", json=incident_report(model=model), headers=keyed)

    assert first.json()["id"] == second.json()["id"]
    assert other.status_code == 409
    listed = (await intake.get("/v1/incident-reports", params={"model": model}, headers=INSPECTOR)).json()
    assert len(listed["items"]) == 1


async def test_rep1_customer_service_cannot_file_shop_floor_reports(intake: httpx.AsyncClient) -> None:
    response = await intake.post("/v1/incident-reports", json=incident_report(), headers=auth("customer_service"))
    assert response.status_code == 403


@pytest.mark.parametrize("kind", ["scrap", "rework", "nonconformity", "customer_injury", "reputation"])
async def test_rep1_every_kind_is_filed(intake: httpx.AsyncClient, kind: str) -> None:
    body = incident_report(kind=kind, personal_injury=None, reputation_impact=None)

    response = await intake.post("/v1/incident-reports", json=body, headers=INSPECTOR)

    assert response.status_code == 201, response.text
    report = response.json()
    assert report["kind"] == kind
    assert report["personal_injury"] is (kind == "customer_injury")
    assert report["reputation_impact"] is (kind == "reputation")
