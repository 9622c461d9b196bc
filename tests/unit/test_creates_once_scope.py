"""SPEC §9 Idempotency-Key: a create's key is held in the scope its route names, with the route's path
parameters filled in, per caller unless the route shares its keys among every caller."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, current_principal
from shared.http import session as http_session
from shared.http.session import Claim, WriteSession, creates_once

INCIDENT = uuid.UUID("00000000-0000-0000-0000-000000000017")


class Session:
    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, *_: Any) -> None:
        return None

    def begin(self) -> "Session":
        return self


def app_with(scopes: list[str]) -> FastAPI:
    app = FastAPI()
    app.state.sessions = Session
    app.dependency_overrides[current_principal] = lambda: Principal(sub="qm-1")

    @app.post("/mine/{incident_id}", status_code=201)
    @creates_once("mine:{incident_id}")
    async def create_mine(incident_id: uuid.UUID, session: WriteSession) -> dict[str, str]:
        return {"id": "M-1"}

    @app.post("/shared/{incident_id}", status_code=201)
    @creates_once("shared:{incident_id}", per_caller=False)
    async def create_shared(incident_id: uuid.UUID, session: WriteSession) -> dict[str, str]:
        return {"id": "S-1"}

    return app


@pytest.fixture
def scopes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    held: list[str] = []

    async def claim(session: AsyncSession, scope: str, key: str, body: bytes) -> Claim:
        held.append(scope)
        return Claim(scope, key, "digest")

    async def store(*_: Any) -> None:
        return None

    monkeypatch.setattr(http_session, "claim_key", claim)
    monkeypatch.setattr(http_session, "store_answer", store)
    return held


async def post(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post(path, headers={"Idempotency-Key": "k-1"})


async def test_spec9_a_key_is_held_per_caller_in_the_scope_with_its_path_parameters(scopes: list[str]) -> None:
    response = await post(app_with(scopes), f"/mine/{INCIDENT}")

    assert response.status_code == 201
    assert scopes == [f"mine:{INCIDENT}:qm-1"]


async def test_spec9_a_shared_scope_holds_the_key_for_every_caller(scopes: list[str]) -> None:
    response = await post(app_with(scopes), f"/shared/{INCIDENT}")

    assert response.status_code == 201
    assert scopes == [f"shared:{INCIDENT}"]
