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
from tests.integration.factories import product_complaint
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
                assert route.methods is not None  # an APIRoute always has its methods (GET when none given)
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


# --- tokens (SPEC §9) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sub", ["", "E" * 5000], ids=["empty", "huge"])
@pytest.mark.parametrize("service", list(APPS))
async def test_sec9_an_empty_or_huge_sub_is_a_401_never_a_500(stack: Stack, service: str, sub: str) -> None:
    path = {
        "intake": "/v1/complaints",
        "classification": "/v1/incidents",
        "sanctions": "/v1/clauses",
        "crm": "/v1/customers",
        "notify": "/v1/notifications",
    }[service]
    bad = mint_token(DEV_SECRET, sub, [role.value for role in Role])
    async with httpx.AsyncClient(base_url=stack.services[service].url) as client:
        response = await client.get(path, headers={"Authorization": f"Bearer {bad}"})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "invalid_token"


# --- complainants' personal data (intake) --------------------------------------------------------------


def bearer(role: str, sub: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(DEV_SECRET, sub, [role])}"}


async def filed_complaint(stack: Stack, role: str, owner: str, severity: str = "general") -> str:
    # A customer of its own, so that listing by it finds this complaint however many the suite filed.
    body = product_complaint(severity=severity, customer_id=f"C-PD-{uuid.uuid4()}")
    async with httpx.AsyncClient(base_url=stack.services["intake"].url) as client:
        response = await client.post("/v1/complaints", json=body, headers=bearer(role, owner))
    assert response.status_code == 201, response.text
    assert response.json()["complainant"]["phone"] == "13800000000"  # the recorder owns it and sees it
    return str(response.json()["id"])


async def complainant_seen_by(stack: Stack, complaint_id: str, role: str, sub: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=stack.services["intake"].url) as client:
        one = await client.get(f"/v1/complaints/{complaint_id}", headers=bearer(role, sub))
        assert one.status_code == 200, one.text
        customer = {"customer_id": one.json()["customer_id"]}
        listed = await client.get("/v1/complaints", params=customer, headers=bearer(role, sub))
    assert listed.status_code == 200, listed.text
    (in_list,) = listed.json()["items"]
    assert in_list["id"] == complaint_id
    assert (in_list["complainant"], in_list["complainant_masked"]) == (
        one.json()["complainant"],
        one.json()["complainant_masked"],
    )
    return {"masked": one.json()["complainant_masked"], **one.json()["complainant"]}


@pytest.mark.parametrize(
    "role,sub",
    [("customer_service", "E-CS-2"), ("quality_manager", "E-05"), ("sales", "E-SALES-OWNER")],
    ids=["customer_service", "quality_manager", "owner"],
)
async def test_complaint_handlers_and_the_owner_see_the_complainant(stack: Stack, role: str, sub: str) -> None:
    complaint_id = await filed_complaint(stack, "sales", "E-SALES-OWNER")
    seen = await complainant_seen_by(stack, complaint_id, role, sub)
    assert (seen["masked"], seen["name"], seen["phone"]) == (False, "王伟", "13800000000")


@pytest.mark.parametrize("role", ["sales", "ops", "admin_dept", "executive"])
async def test_other_readers_see_the_complainant_masked(stack: Stack, role: str) -> None:
    complaint_id = await filed_complaint(stack, "customer_service", "E-CS-1")
    seen = await complainant_seen_by(stack, complaint_id, role, f"E-{role}")
    assert (seen["masked"], seen["name"], seen["phone"]) == (True, "王**", "*******0000")


async def test_executive_sees_the_complainant_of_a_serious_complaint(stack: Stack) -> None:
    complaint_id = await filed_complaint(stack, "customer_service", "E-CS-1", severity="serious")
    seen = await complainant_seen_by(stack, complaint_id, "executive", "E-06")
    assert (seen["masked"], seen["phone"]) == (False, "13800000000")


async def test_an_owner_who_hands_a_complaint_over_no_longer_sees_the_complainant(stack: Stack) -> None:
    complaint_id = await filed_complaint(stack, "sales", "E-SALES-A")
    async with httpx.AsyncClient(base_url=stack.services["intake"].url) as client:
        handed = await client.post(
            f"/v1/complaints/{complaint_id}/handover", json={"to": "E-CS-9"}, headers=bearer("sales", "E-SALES-A")
        )
    assert handed.status_code == 200, handed.text
    assert handed.json()["complainant_masked"] is True
    assert (await complainant_seen_by(stack, complaint_id, "sales", "E-CS-9"))["masked"] is False


# --- who may set which customer field (crm, SPEC §7) ---------------------------------------------------

FIELD_CHANGES: dict[str, Any] = {
    "name": "佛山某五金有限公司",
    "region": {"province": "广东", "city": "佛山", "county": "顺德", "revenue_group": 2},
    "contact": {"person": "陈经理", "phone": "13900000000"},
    "annual_revenue": "3000000.00",
    "provincial_designated": True,
    "sales_owner": "E-NEW-OWNER",
    "regional_sales_rep": "E-LOCAL",
    "nature": "distributor",
    "contract_signed_on": "2026-11-01",
}
FIELD_SETTERS = {
    "name": {"sales", "sales_manager", "erp", "admin_dept"},
    "region": {"sales", "sales_manager", "erp", "admin_dept"},
    "contact": {"sales", "sales_manager", "erp", "admin_dept"},
    "annual_revenue": {"erp", "admin_dept"},
    "provincial_designated": {"admin_dept"},
    "sales_owner": {"sales_manager", "admin_dept"},
    "regional_sales_rep": {"sales_manager", "admin_dept"},
    "nature": {"sales_manager", "admin_dept"},  # a rep records it once; here it is set already
    "contract_signed_on": {"sales_manager", "admin_dept"},  # likewise
}


@pytest.mark.parametrize("role", ["sales", "sales_manager", "erp", "admin_dept"])
@pytest.mark.parametrize("field", list(FIELD_CHANGES))
async def test_sec7_each_customer_field_is_set_only_by_its_roles(stack: Stack, field: str, role: str) -> None:
    rep, customer_id = f"E-{uuid.uuid4().hex[:8]}", f"C-{uuid.uuid4()}"
    body = {
        "name": "佛山某五金厂",
        "region": {"province": "广东", "city": "佛山", "revenue_group": 2},
        "annual_revenue": "120000.00",
        "sales_owner": rep,
        "nature": "retailer",
        "scale": "large",
        "trend": "growing",
        "contract_signed_on": "2026-10-01",
    }
    async with httpx.AsyncClient(base_url=stack.services["crm"].url) as client:
        created = await client.put(f"/v1/customers/{customer_id}", json=body, headers=bearer("admin_dept", "E-08"))
        assert created.status_code == 200, created.text
        change = {field: FIELD_CHANGES[field]}
        response = await client.put(f"/v1/customers/{customer_id}", json=change, headers=bearer(role, rep))

    if role in FIELD_SETTERS[field]:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403, response.text
        assert (response.json()["code"], response.json()["fields"]) == ("field_not_permitted", [field])


# --- who signs which step (crm, CRM-6) -----------------------------------------------------------------

STEPS = ("sales_clerk", "sales_manager", "finance")


@pytest.mark.parametrize("role", ["sales", "sales_clerk", "sales_manager", "finance", "admin_dept", "quality_manager"])
@pytest.mark.parametrize("position", range(len(STEPS)), ids=STEPS)
async def test_crm6_each_sign_off_step_needs_its_own_role(stack: Stack, position: int, role: str) -> None:
    rep, customer_id = f"E-{uuid.uuid4().hex[:8]}", f"C-{uuid.uuid4()}"
    customer = {"name": "佛山某五金厂", "region": {"province": "广东"}, "sales_owner": rep}
    async with httpx.AsyncClient(base_url=stack.services["crm"].url) as client:
        created = await client.put(f"/v1/customers/{customer_id}", json=customer, headers=bearer("admin_dept", "E-08"))
        assert created.status_code == 200, created.text
        fee = {"customer_id": customer_id, "amount": "300.00", "purpose": "新客户开发"}
        requested = await client.post("/v1/special-fee-requests", json=fee, headers=bearer("sales", rep))
        assert requested.status_code == 201, requested.text
        path = f"/v1/special-fee-requests/{requested.json()['id']}/sign-offs"
        for earlier in STEPS[:position]:
            signed = await client.post(path, json={"step": earlier}, headers=bearer(earlier, f"E-{earlier}"))
            assert signed.status_code == 200, signed.text
        step = STEPS[position]
        response = await client.post(path, json={"step": step}, headers=bearer(role, f"E-SIGNER-{role}"))

    if role == step:
        assert response.status_code == 200, response.text
    else:
        assert response.status_code == 403, response.text
