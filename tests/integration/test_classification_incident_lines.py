"""CLS-2 with SPEC §7's bounded responses: an aggregate incident names its first sources and how many
there are; its return lines come a page at a time."""

import uuid
from datetime import date
from typing import Any

import httpx
import pytest

from tests.integration.factories import return_line
from tests.support import auth, eventually

pytestmark = pytest.mark.integration

ERP = auth("erp", sub="ERP-SYSTEM", department="it")
READER = auth("quality_manager")
LINES = 150


async def batch_incident_of(classification: httpx.AsyncClient, model: str) -> dict[str, Any] | None:
    """The model's batch incident once it counts every line pushed."""
    params = {"model": model, "production_date": "2026-11-01"}
    response = await classification.get("/v1/incidents", params=params, headers=READER)
    assert response.status_code == 200, response.text
    found = [i for i in response.json()["items"] if i.get("source_count") == LINES]
    return found[0] if found else None


async def test_cls2_an_incident_of_150_return_lines_names_100_and_pages_them_all(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"VX-{uuid.uuid4().hex[:8]}"
    shipped = f"S-{uuid.uuid4().hex[:8]}"
    day = date(2026, 11, 1).isoformat()
    lines = [return_line(model=model, shipped_batch_no=shipped, production_date=day, quantity=1) for _ in range(LINES)]
    pushed = await intake.post("/v1/returns/batches", json={"lines": lines}, headers=ERP)
    assert pushed.status_code == 200 and pushed.json()["accepted"] == LINES, pushed.text

    listed = await eventually(lambda: batch_incident_of(classification, model), timeout=60)
    view = (await classification.get(f"/v1/incidents/{listed['id']}", headers=READER)).json()
    assert (len(listed["source_ids"]), len(view["source_ids"]), view["source_count"]) == (100, 100, LINES)

    paged: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "60", **({"cursor": cursor} if cursor else {})}
        page = await classification.get(f"/v1/incidents/{listed['id']}/return-lines", params=params, headers=READER)
        assert page.status_code == 200, page.text
        paged += [item["line_id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(paged) == sorted(line["line_id"] for line in lines) == paged
    assert view["source_ids"] == paged[:100]


async def test_cls2_return_lines_of_an_unknown_incident_is_404(classification: httpx.AsyncClient) -> None:
    response = await classification.get(f"/v1/incidents/{uuid.uuid4()}/return-lines", headers=READER)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
