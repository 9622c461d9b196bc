"""SPEC §9 Bodies: no token, no body read; bodies capped per route, 413 as a problem either way."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI

from shared.auth import Principal, Role, TokenVerifier, require_roles
from shared.http.bodies import BodyGuardMiddleware
from shared.http.middleware import RequestContextMiddleware
from shared.http.problems import install_problem_handlers
from shared.settings import ServiceSettings
from tests.asgi import call_counting_reads
from tests.support import auth

SMALL_CAP = 100
LARGE_CAP = 1000


def guarded_app() -> FastAPI:
    """Wired as ``shared.app.create_app`` wires a service, with small caps."""
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(ServiceSettings())
    router = APIRouter(prefix="/v1")
    writer = Depends(require_roles(Role.QUALITY_MANAGER))

    @router.post("/echo")
    async def echo(body: dict[str, str], _: Principal = writer) -> dict[str, str]:
        return body

    @router.post("/large", max_body_size=LARGE_CAP)
    async def large(body: dict[str, str], _: Principal = writer) -> dict[str, int]:
        return {"length": len(body["text"])}

    app.add_middleware(BodyGuardMiddleware)
    app.add_middleware(RequestContextMiddleware, service="test")
    app.include_router(router, max_body_size=SMALL_CAP)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=guarded_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_bodies_no_token_is_401_before_the_body_is_read() -> None:
    status, reads = await call_counting_reads(guarded_app(), [])
    assert (status, reads) == (401, 0)


async def test_bodies_forged_token_is_401_before_the_body_is_read() -> None:
    forged = auth("quality_manager")["Authorization"][:-4] + "abcd"
    status, reads = await call_counting_reads(guarded_app(), [(b"authorization", forged.encode())])
    assert (status, reads) == (401, 0)


async def test_bodies_no_token_is_a_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/echo", json={"text": "x"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "missing_token"
    assert "x-correlation-id" in response.headers


async def test_bodies_declared_length_over_the_default_cap_is_a_413_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/echo", json={"text": "x" * 200}, headers=auth("quality_manager"))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"
    assert str(SMALL_CAP) in response.json()["detail"]


async def test_bodies_streamed_body_over_the_cap_is_a_413_problem(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 50
        yield b'"}'

    headers = {"content-type": "application/json", **auth("quality_manager")}
    response = await client.post("/v1/echo", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_bodies_a_route_declares_a_larger_cap_of_its_own(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/large", json={"text": "x" * 500}, headers=auth("quality_manager"))
    assert response.status_code == 200
    assert response.json() == {"length": 500}


async def test_bodies_under_the_cap_pass_and_carry_the_correlation_id(client: httpx.AsyncClient) -> None:
    headers = {"X-Correlation-ID": "c-1", **auth("quality_manager")}
    response = await client.post("/v1/echo", json={"text": "短"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["x-correlation-id"] == "c-1"
