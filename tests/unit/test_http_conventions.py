"""Problem details, auth and cursors, exercised in memory through the ASGI interface."""

import asyncio

import asyncpg
import httpx
import pytest
from fastapi import Depends, FastAPI
from pydantic import BaseModel

from shared.auth import CLOCK_SKEW_LEEWAY_S, Principal, Role, TokenVerifier, mint_token, require_roles
from shared.errors import Problem
from shared.http.pagination import decode_cursor, encode_cursor
from shared.http.problems import install_problem_handlers
from shared.settings import ServiceSettings
from tests.support import auth


class Body(BaseModel):
    quantity: int


def tiny_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(ServiceSettings())

    @app.post("/things")
    async def create(body: Body, _: Principal = Depends(require_roles(Role.QUALITY_MANAGER))) -> dict[str, int]:
        return {"quantity": body.quantity}

    @app.get("/conflict")
    async def conflicting() -> None:
        raise Problem(409, "invalid_transition", "Conflict", "closed", allowed=["reopen"])

    return app


@pytest.fixture
def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=tiny_app()), base_url="http://test")


async def test_no_token_is_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"quantity": 1})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "missing_token"


async def test_wrong_role_is_403_problem(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"quantity": 1}, headers=auth("sales"))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_forged_token_is_401(client: httpx.AsyncClient) -> None:
    headers = {"Authorization": "Bearer " + auth("quality_manager")["Authorization"].split()[1][:-4] + "abcd"}
    response = await client.post("/things", json={"quantity": 1}, headers=headers)
    assert response.status_code == 401


async def test_a_token_accepted_once_is_refused_once_it_expires(client: httpx.AsyncClient) -> None:
    secret = ServiceSettings().jwt_secret.get_secret_value()
    # Expired already, but by less than the clock-skew leeway: accepted for another 1 to 2 s.
    ttl_s = 2 - CLOCK_SKEW_LEEWAY_S
    headers = {"Authorization": f"Bearer {mint_token(secret, 'E-05', ['quality_manager'], ttl_s=ttl_s)}"}
    assert (await client.post("/things", json={"quantity": 1}, headers=headers)).status_code == 200

    await asyncio.sleep(2.1)  # exp is in whole seconds: 1 to 2 s within the leeway when minted

    response = await client.post("/things", json={"quantity": 1}, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_validation_error_is_422_problem_listing_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", json={"quantity": "many"}, headers=auth("quality_manager"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "quantity"]


async def test_malformed_json_is_400_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/things", content=b"{not json", headers={**auth("quality_manager"), "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_domain_problem_keeps_its_extensions(client: httpx.AsyncClient) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["reopen"]


def test_cursor_round_trips() -> None:
    assert decode_cursor(encode_cursor(["2026-11-24T00:00:00+00:00", "abc"])) == ["2026-11-24T00:00:00+00:00", "abc"]


def test_foreign_cursor_is_a_400_problem() -> None:
    with pytest.raises(Problem) as raised:
        decode_cursor("%%%")
    assert raised.value.status == 400


def failing_app(error: Exception) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/fail")
    async def fail() -> None:
        raise error

    return app


async def test_text_the_database_cannot_store_is_a_422_problem() -> None:
    error = asyncpg.CharacterNotInRepertoireError("invalid byte sequence for encoding UTF8: 0x00")
    transport = httpx.ASGITransport(app=failing_app(error), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/fail")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"


async def test_database_shutting_down_is_a_503_problem_to_retry() -> None:
    error = asyncpg.CannotConnectNowError("the database system is shutting down")
    transport = httpx.ASGITransport(app=failing_app(error), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/fail")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"


async def docs_and_schema(headers: dict[str, str]) -> tuple[str, dict[str, object]]:
    """The intake app's Swagger page and OpenAPI document, as a request with ``headers`` sees them."""
    from services.intake.main import app

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://qms") as client:
        docs = await client.get("/docs", headers=headers)
        schema = await client.get("/openapi.json", headers=headers)
    assert docs.status_code == 200 and schema.status_code == 200
    return docs.text, schema.json()


async def test_docs_behind_the_proxy_load_the_openapi_document_through_its_prefix() -> None:
    page, schema = await docs_and_schema({"X-Forwarded-Prefix": "/intake"})
    assert "url: '/intake/openapi.json'" in page
    assert schema["servers"] == [{"url": "/intake"}]


async def test_docs_reached_directly_load_the_openapi_document_from_the_root() -> None:
    page, schema = await docs_and_schema({})
    assert "url: '/openapi.json'" in page
    assert "servers" not in schema


async def test_a_forwarded_prefix_that_is_not_a_plain_path_is_ignored() -> None:
    page, schema = await docs_and_schema({"X-Forwarded-Prefix": "/x';alert(1);//"})
    assert "url: '/openapi.json'" in page
    assert "alert" not in page and "servers" not in schema
