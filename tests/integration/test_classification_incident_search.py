"""CON search over HTTP: incidents found by a part of their model, description or batch, index-backed."""

import uuid
from typing import Any

import httpx
import pytest

from shared.stack import Stack
from tests.integration.factories import incident_report
from tests.support import auth, eventually, service_db, unique_chinese

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="E-QM-SEARCH")
INSPECTOR = auth("inspector", sub="E-17", department="machining")


async def incident_found(classification: httpx.AsyncClient, **query: str) -> list[dict[str, Any]]:
    async def found() -> list[dict[str, Any]]:
        response = await classification.get("/v1/incidents", params=query, headers=QM)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    return await eventually(found)


async def file_report(intake: httpx.AsyncClient, body: dict[str, Any]) -> str:
    response = await intake.post("/v1/incident-reports", json=body, headers=INSPECTOR)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_con_incidents_are_found_by_a_chinese_part_of_their_description(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    marker = unique_chinese()
    report_id = await file_report(intake, incident_report(description=f"铸件{marker}砂眼"))
    (incident,) = await incident_found(classification, q=marker[1:3])
    assert report_id in incident["source_ids"]


async def test_con_incidents_are_found_by_a_part_of_their_model(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"KT-{uuid.uuid4().hex[:10]}"
    report_id = await file_report(intake, incident_report(model=model))
    (incident,) = await incident_found(classification, q=model[3:].upper())
    assert report_id in incident["source_ids"]


async def test_con_the_incident_search_is_answered_from_the_gram_index(stack: Stack) -> None:
    async with service_db(stack, "classification") as conn:
        await conn.execute("SET enable_seqscan = off")
        rows = await conn.fetch(
            "EXPLAIN SELECT id FROM classification.incidents WHERE search_grams @> ARRAY['砂眼']::text[]"
        )
    assert "ix_incidents_search_grams" in "\n".join(row[0] for row in rows)
