"""Issue 17 route helpers: a step listed in a table is documented and served as the decorated route it
replaces (operation id, summary, description, body, roles), in memory through the ASGI interface."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal, Role, TokenVerifier, require_roles
from shared.errors import Problem, found
from shared.http.problems import install_problem_handlers
from shared.http.routes import Step, add_steps
from shared.http.session import WriteSession, write_session
from shared.settings import ServiceSettings
from tests.support import auth


class NoteIn(BaseModel):
    note: str | None = None


class ReasonIn(BaseModel):
    reason: str


class ThingOut(BaseModel):
    id: uuid.UUID
    said: str | None


async def echo(_: AsyncSession, thing_id: uuid.UUID, body: Any, principal: Principal) -> dict[str, Any]:
    return {"id": thing_id, "said": getattr(body, "note", None) or getattr(body, "reason", None)}


def decorated() -> APIRouter:
    router = APIRouter(prefix="/v1/things")

    @router.post("/{thing_id}/hold", response_model=ThingOut)
    async def hold_thing(
        thing_id: uuid.UUID,
        session: WriteSession,
        body: NoteIn | None = None,
        principal: Principal = Depends(require_roles(Role.QUALITY_MANAGER)),
    ) -> dict[str, Any]:
        """Holds a thing (a note may be left out)."""
        return await echo(session, thing_id, body or NoteIn(), principal)

    @router.post("/{thing_id}/refuse", response_model=ThingOut)
    async def refuse(
        thing_id: uuid.UUID,
        body: ReasonIn,
        session: WriteSession,
        principal: Principal = Depends(require_roles(Role.EXECUTIVE)),
    ) -> dict[str, Any]:
        """Refuses a thing, with a reason (a
        second line)."""
        return await echo(session, thing_id, body, principal)

    return router


STEPS = (
    Step(
        "/{thing_id}/hold",
        "hold_thing",
        echo,
        NoteIn,
        (Role.QUALITY_MANAGER,),
        "Holds a thing (a note may be left out).",
        optional=True,
    ),
    Step(
        "/{thing_id}/refuse",
        "refuse",
        echo,
        ReasonIn,
        (Role.EXECUTIVE,),
        """Refuses a thing, with a reason (a
        second line).""",
    ),
)


def tabled() -> APIRouter:
    router = APIRouter(prefix="/v1/things")
    add_steps(router, STEPS, object_id="thing_id", response_model=ThingOut)
    return router


async def no_database() -> AsyncIterator[None]:
    yield None


def app_of(router: APIRouter) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(ServiceSettings())
    app.include_router(router)
    app.dependency_overrides[write_session] = no_database
    return app


def test_a_tabled_step_is_documented_as_the_decorated_route_it_replaces() -> None:
    assert app_of(tabled()).openapi() == app_of(decorated()).openapi()


@pytest.fixture
def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app_of(tabled())), base_url="http://test")


async def test_a_step_left_without_its_optional_body_gets_the_body_defaults(client: httpx.AsyncClient) -> None:
    thing_id = uuid.uuid4()
    bare = await client.post(f"/v1/things/{thing_id}/hold", headers=auth("quality_manager"))
    noted = await client.post(f"/v1/things/{thing_id}/hold", json={"note": "wait"}, headers=auth("quality_manager"))
    assert (bare.status_code, bare.json()) == (200, {"id": str(thing_id), "said": None})
    assert noted.json()["said"] == "wait"


async def test_a_step_refuses_a_caller_without_its_roles_and_a_missing_required_body(
    client: httpx.AsyncClient,
) -> None:
    path = f"/v1/things/{uuid.uuid4()}/refuse"
    assert (await client.post(path, json={"reason": "no"}, headers=auth("quality_manager"))).status_code == 403
    assert (await client.post(path, headers=auth("executive"))).status_code == 422
    assert (await client.post(path, json={"reason": "no"}, headers=auth("executive"))).json()["said"] == "no"


def test_found_answers_the_object_or_a_404_naming_it() -> None:
    assert found("a thing", "thing", 7) == "a thing"
    with pytest.raises(Problem) as refused:
        found(None, "thing", 7)
    assert (refused.value.status, refused.value.detail) == (404, "no thing with id '7'")
