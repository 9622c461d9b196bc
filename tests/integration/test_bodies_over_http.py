"""SPEC §9 Bodies against the running services: no token, no body read; control characters refused
field by field (for a returns line, that line alone); a deeply nested body a 4xx, never a 500."""

import uuid

import httpx
import pytest

from tests.integration.factories import return_line, service_complaint
from tests.support import auth

pytestmark = pytest.mark.integration

ERP = auth("erp", sub="ERP-SYSTEM", department="it")


async def test_bodies_an_unauthenticated_20_mb_body_is_a_401(intake: httpx.AsyncClient) -> None:
    body = b'{"lines": [' + b'{"a":1},' * 2_500_000 + b'{"a":1}]}'
    response = await intake.post("/v1/returns/batches", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 401
    assert response.json()["code"] == "missing_token"


async def test_ret2_a_nul_in_one_line_rejects_that_line_and_keeps_the_others(intake: httpx.AsyncClient) -> None:
    good, bad, other = return_line(), return_line(reason="漏\x00水"), return_line()
    headers = {**ERP, "Idempotency-Key": f"nul-{uuid.uuid4()}"}  # the answer is stored too
    response = await intake.post("/v1/returns/batches", json={"lines": [good, bad, other]}, headers=headers)

    assert response.status_code == 200, response.text
    result = response.json()
    assert (result["accepted"], result["duplicates"]) == (2, 0)
    [rejected] = result["rejected"]
    assert (rejected["index"], rejected["line_id"]) == (1, bad["line_id"])
    assert "control characters" in rejected["errors"][0]


async def test_bodies_a_control_character_in_a_complaint_is_a_422_for_that_field(intake: httpx.AsyncClient) -> None:
    complaint = service_complaint(description="态度\x1b[31m差")
    response = await intake.post("/v1/complaints", json=complaint, headers=auth("customer_service"))
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [
        (["body", "description"], "control_character")
    ]


async def test_bodies_10000_nested_arrays_are_a_400_not_a_500(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    nested = b"[" * 10_000 + b"]" * 10_000
    returns = await intake.post(
        "/v1/returns/batches",
        content=b'{"lines": ' + nested + b"}",
        headers={**ERP, "content-type": "application/json"},
    )
    reclassify = await classification.post(
        f"/v1/incidents/{uuid.uuid4()}/reclassify",
        content=b'{"level": "batch", "reason": ' + nested + b"}",
        headers={**auth("quality_manager"), "content-type": "application/json"},
    )
    assert (returns.status_code, returns.json()["code"]) == (400, "too_deeply_nested")
    assert reclassify.status_code == 400
