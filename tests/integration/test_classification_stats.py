"""CON management review over HTTP: classification's incident statistics checked against the
shop-floor reports the test files."""

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shared import clock
from shared.workcalendar import CHINA
from tests.integration.factories import incident_report, supplier_material_report
from tests.support import auth, eventually

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="E-QM-STATS")
INSPECTOR = auth("inspector", sub="E-17", department="machining")


def this_month() -> str:
    return clock.now().astimezone(CHINA).strftime("%Y-%m")


async def stats(classification: httpx.AsyncClient) -> dict[str, Any]:
    month = this_month()
    response = await classification.get("/v1/stats/incidents", params={"from": month, "to": month}, headers=QM)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def opened(intake: httpx.AsyncClient, classification: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await intake.post("/v1/incident-reports", json=body, headers=INSPECTOR)
    assert response.status_code == 201, response.text
    report_id = response.json()["id"]

    async def linked() -> bool:
        found = await classification.get("/v1/incidents", params={"source_id": report_id}, headers=QM)
        return bool(found.json()["items"])

    await eventually(linked)


async def test_con_incidents_opened_this_month_count_by_level_and_sum_their_losses(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    before = (await stats(classification))["months"][0]
    model = f"ST-{uuid.uuid4().hex[:8]}"
    await opened(
        intake,
        classification,
        incident_report(model=model, quantity=5, loss_amount="120.50"),
    )
    after = (await stats(classification))["months"][0]
    assert sum(after["by_level"].values()) == sum(before["by_level"].values()) + 1
    assert Decimal(after["losses"]) == Decimal(before["losses"]) + Decimal("120.50")


async def test_con_worst_models_rank_by_quantity_in_incidents(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"WM-{uuid.uuid4().hex[:8]}"
    for _ in range(2):
        await opened(intake, classification, incident_report(model=model, quantity=900_000))
    worst = (await stats(classification))["worst_models"]
    assert worst[0] == {"model": model, "quantity": 1_800_000, "incidents": 2}


async def test_con_supplier_defects_count_by_class(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    before = {row["defect_class"]: row["count"] for row in (await stats(classification))["supplier_defects"]}
    await opened(intake, classification, supplier_material_report(model=f"SD-{uuid.uuid4().hex[:8]}", defect_class="C"))
    after = {row["defect_class"]: row["count"] for row in (await stats(classification))["supplier_defects"]}
    assert after.get("C", 0) == before.get("C", 0) + 1
