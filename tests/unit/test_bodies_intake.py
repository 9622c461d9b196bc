"""SPEC §9 Bodies on intake as it is wired: no token, no body read; 1 MiB by default, 8 MiB a returns batch."""

import httpx
from fastapi import FastAPI

from services.intake.main import app
from shared.auth import TokenVerifier
from shared.settings import ServiceSettings
from tests.asgi import call_counting_reads
from tests.support import auth

MIB = 1024 * 1024


def intake() -> FastAPI:
    # What the lifespan sets; no database: every request here is answered before one is needed.
    app.state.token_verifier = TokenVerifier(ServiceSettings())
    app.state.sessions = None
    return app


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=intake()), base_url="http://test")


async def test_bodies_intake_refuses_an_unauthenticated_20_mb_complaint_unread() -> None:
    status, reads = await call_counting_reads(intake(), [], path="/v1/complaints")
    assert (status, reads) == (401, 0)


async def test_bodies_intake_refuses_an_unauthenticated_20_mb_returns_batch_unread() -> None:
    status, reads = await call_counting_reads(intake(), [], path="/v1/returns/batches")
    assert (status, reads) == (401, 0)


async def test_bodies_a_complaint_body_over_1_mib_is_a_413_problem() -> None:
    body = b'{"description": "' + b"x" * (1 * MIB) + b'"}'
    headers = {"content-type": "application/json", **auth("customer_service")}
    async with client() as http:
        response = await http.post("/v1/complaints", content=body, headers=headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


async def test_bodies_ret1_a_returns_batch_over_8_mib_is_a_413_problem() -> None:
    body = b'{"lines": ["' + b"x" * (8 * MIB) + b'"]}'
    headers = {"content-type": "application/json", **auth("erp")}
    async with client() as http:
        response = await http.post("/v1/returns/batches", content=body, headers=headers)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_bodies_ret1_a_returns_batch_of_2_mib_is_read_past_the_default_cap() -> None:
    body = b'{"lines": [' + b" " * (2 * MIB) + b"nonsense"
    headers = {"content-type": "application/json", **auth("erp")}
    async with client() as http:
        response = await http.post("/v1/returns/batches", content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
