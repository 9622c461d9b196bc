"""Helpers of the classification suites: incidents filed and looked up, and the rates that classify them."""

from typing import Any

import httpx

from tests.support import auth, eventually

QM = auth("quality_manager", sub="E-QM")


INSPECTOR = auth("inspector", sub="E-17", department="machining")


async def file_report(intake: httpx.AsyncClient, body: dict[str, Any]) -> str:
    response = await intake.post("/v1/incident-reports", json=body, headers=INSPECTOR)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def incident_of(classification: httpx.AsyncClient, source_id: str) -> dict[str, Any]:
    async def found() -> list[dict[str, Any]]:
        response = await classification.get("/v1/incidents", params={"source_id": source_id}, headers=QM)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    items = await eventually(found)
    assert len(items) == 1
    return items[0]


async def set_rate(classification: httpx.AsyncClient, model: str, units_per_hour: int) -> None:
    response = await classification.put(
        f"/v1/production-rates/{model}", json={"units_per_hour": units_per_hour}, headers=QM
    )
    assert response.status_code == 200, response.text
