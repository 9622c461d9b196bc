"""Every endpoint of every service: no token → 401, a token without one of its roles → 403 (SPEC §7)."""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.classification.main import app as classification_app
from services.crm.main import app as crm_app
from services.intake.main import app as intake_app
from services.notify.main import app as notify_app
from services.sanctions.main import app as sanctions_app
from shared.auth import Role, mint_token
from shared.stack import Stack
from tests.support import DEV_SECRET

pytestmark = pytest.mark.integration

APPS: dict[str, FastAPI] = {
    "intake": intake_app,
    "classification": classification_app,
    "sanctions": sanctions_app,
    "crm": crm_app,
    "notify": notify_app,
}


def declared_roles(dependant: Any) -> tuple[Role, ...] | None:
    for dependency in dependant.dependencies:
        roles = getattr(dependency.call, "roles", None)
        if roles is not None:
            return tuple(roles)
        found = declared_roles(dependency)
        if found is not None:
            return found
    return None


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, including those of included routers (routers carry their own prefix here)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)


def protected_operations() -> Iterator[tuple[str, str, str, tuple[Role, ...]]]:
    for service, app in APPS.items():
        for route in api_routes(app.routes):
            if route.path.startswith("/v1"):
                roles = declared_roles(route.dependant)
                for method in sorted(route.methods):
                    yield service, method, route.path, roles or ()


OPERATIONS = list(protected_operations())


def concrete(path: str) -> str:
    """Fills path parameters with values that pass their validation, so only authorization decides."""
    filled = path
    while "{" in filled:
        start, end = filled.index("{"), filled.index("}")
        name = filled[start + 1 : end]
        value = "2026-11" if name in ("month", "yyyy_mm") else "2026" if name == "year" else str(uuid.uuid4())
        filled = filled[:start] + value + filled[end + 1 :]
    return filled


@pytest.mark.parametrize("service,method,path,roles", OPERATIONS, ids=[f"{o[0]} {o[1]} {o[2]}" for o in OPERATIONS])
async def test_every_endpoint_declares_roles_and_refuses_others(
    stack: Stack, service: str, method: str, path: str, roles: tuple[Role, ...]
) -> None:
    assert roles, f"{method} {path} declares no roles"
    other_roles = [role.value for role in Role if role not in roles]
    async with httpx.AsyncClient(base_url=stack.services[service].url) as client:
        anonymous = await client.request(method, concrete(path))
        outsider = mint_token(DEV_SECRET, "E-99", other_roles, "外部", "other")
        wrong_role = await client.request(method, concrete(path), headers={"Authorization": f"Bearer {outsider}"})

    assert anonymous.status_code == 401, anonymous.text
    if other_roles:
        assert wrong_role.status_code == 403, wrong_role.text
