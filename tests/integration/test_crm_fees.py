"""CRM-6 relationship-maintenance fees over HTTP."""

import asyncio
import uuid

import httpx
import pytest

from shared.auth import mint_token
from tests.integration.crm_helpers import customer_of, statement_of
from tests.support import DEV_SECRET, auth

pytestmark = pytest.mark.integration


async def test_crm6_statement_deadlines_across_national_day(crm: httpx.AsyncClient) -> None:
    response = await crm.get("/v1/fee-statements/deadlines/2026-09", headers=auth("sales"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["submit_by"].startswith("2026-10-10T23:59:59")  # 1–7 Oct off, Sat 10 Oct a make-up day
    assert body["sign_off_by"].startswith("2026-10-16T23:59:59")
    assert body["payable_from"].startswith("2026-10-19T00:00:00")
    assert body["calendar_estimated"] is False


async def test_crm6_advance_limit_holds_under_concurrent_requests(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    headers = auth("sales", sub=rep)

    async def draw() -> httpx.Response:
        return await crm.post("/v1/fee-advances", json={"amount": "700.00", "purpose": "客情费兑付"}, headers=headers)

    responses = await asyncio.gather(*(draw() for _ in range(10)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 4 + [409] * 6  # 4 × 700 = 2,800; a fifth would make 3,500
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["code"] == "advance_limit_exceeded"
    listed = (await crm.get("/v1/fee-advances", headers=headers)).json()
    assert listed["outstanding"] == "2800.00"


async def test_crm6_settled_advance_frees_the_limit(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    headers = auth("sales", sub=rep)
    first = await crm.post("/v1/fee-advances", json={"amount": 3000, "purpose": "兑付"}, headers=headers)
    assert first.status_code == 201 and first.json()["outstanding_after"] == "3000.00"
    assert (
        await crm.post("/v1/fee-advances", json={"amount": "0.01", "purpose": "x"}, headers=headers)
    ).status_code == 409

    settled = await crm.post(f"/v1/fee-advances/{first.json()['id']}/settle", headers=auth("finance"))
    assert settled.status_code == 200 and settled.json()["outstanding_after"] == "0.00"
    assert (
        await crm.post("/v1/fee-advances", json={"amount": "100", "purpose": "x"}, headers=headers)
    ).status_code == 201


async def test_crm6_special_fee_after_contract_signing_is_refused(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    signed = await customer_of(crm, rep, contract_signed_on="2026-11-01")
    unsigned = await customer_of(crm, rep)
    headers = auth("sales", sub=rep)
    body = {"amount": "800.00", "purpose": "新客户开发"}

    refused = await crm.post("/v1/special-fee-requests", json={**body, "customer_id": signed}, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "contract_already_signed"
    accepted = await crm.post("/v1/special-fee-requests", json={**body, "customer_id": unsigned}, headers=headers)
    assert accepted.status_code == 201, accepted.text
    assert (accepted.json()["status"], accepted.json()["next_sign_off"]) == ("requested", "sales_clerk")


async def test_crm6_statement_is_void_without_sign_offs_by_the_8th_working_day(crm: httpx.AsyncClient) -> None:
    rep, product = f"E-{uuid.uuid4().hex[:8]}", f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, rep)
    budget = await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "10000.00"}, headers=auth("finance"))
    assert budget.status_code == 200, budget.text
    line = {
        "customer_id": customer_id,
        "product": product,
        "purpose": "buyer",
        "purchase_amount": "20000.00",
        "fee_amount": "600.00",
    }
    response = await crm.post(
        "/v1/fee-statements", json={"month": "2026-09", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert response.status_code == 201, response.text
    statement = response.json()
    assert (statement["status"], statement["submitted_late"]) == ("void", True)
    assert statement["submit_by"].startswith("2026-10-10")

    signing = await crm.post(
        f"/v1/fee-statements/{statement['id']}/sign-offs",
        json={"step": "sales_clerk"},
        headers=auth("sales_clerk", sub="E-CLERK"),
    )
    assert signing.status_code == 409
    assert signing.json()["code"] == "sign_off_deadline_passed"


async def test_crm6_a_sales_rep_sees_only_their_own_statements(crm: httpx.AsyncClient) -> None:
    rep, product = f"E-{uuid.uuid4().hex[:8]}", f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, rep)
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "1000.00"}, headers=auth("admin_dept"))
    line = {"customer_id": customer_id, "product": product, "purpose": "event", "purchase_amount": 0, "fee_amount": 100}
    created = await crm.post(
        "/v1/fee-statements", json={"month": "2026-10", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert created.status_code == 201, created.text
    statement_id = created.json()["id"]

    other = auth("sales", sub=f"E-{uuid.uuid4().hex[:8]}")
    assert (await crm.get(f"/v1/fee-statements/{statement_id}", headers=other)).status_code == 404
    assert (await crm.get("/v1/fee-statements", params={"sales_rep": rep}, headers=other)).json()["items"] == []
    assert (await crm.get(f"/v1/fee-statements/{statement_id}", headers=auth("finance"))).status_code == 200


async def test_crm6_statement_for_another_reps_customer_is_refused(crm: httpx.AsyncClient) -> None:
    owner, rep, product = f"E-{uuid.uuid4().hex[:8]}", f"E-{uuid.uuid4().hex[:8]}", f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, owner)
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "1000.00"}, headers=auth("finance"))
    line = {"customer_id": customer_id, "product": product, "purpose": "buyer", "purchase_amount": 1, "fee_amount": 1}
    response = await crm.post(
        "/v1/fee-statements", json={"month": "2026-10", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_your_customer"


async def test_crm6_statement_beyond_the_product_budget_is_refused(crm: httpx.AsyncClient) -> None:
    rep, product = f"E-{uuid.uuid4().hex[:8]}", f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, rep)
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "500.00"}, headers=auth("finance"))
    line = {"customer_id": customer_id, "product": product, "purpose": "buyer", "purchase_amount": 1, "fee_amount": 501}
    response = await crm.post(
        "/v1/fee-statements", json={"month": "2026-10", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "fee_budget_exceeded"


async def test_crm6_statement_of_the_running_month_is_refused(crm: httpx.AsyncClient) -> None:
    line = {"customer_id": "C-x", "product": "p", "purpose": "buyer", "purchase_amount": 1, "fee_amount": 1}
    response = await crm.post("/v1/fee-statements", json={"month": "2099-01", "lines": [line]}, headers=auth("sales"))
    assert response.status_code == 422
    assert response.json()["code"] == "month_not_over"


async def special_fee_of(crm: httpx.AsyncClient, rep: str) -> str:
    customer_id = await customer_of(crm, rep)
    body = {"customer_id": customer_id, "amount": "500.00", "purpose": "新客户开发"}
    response = await crm.post("/v1/special-fee-requests", json=body, headers=auth("sales", sub=rep))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def sign(crm: httpx.AsyncClient, path: str, step: str, role: str, sub: str) -> httpx.Response:
    return await crm.post(f"{path}/sign-offs", json={"step": step}, headers=auth(role, sub=sub))


async def test_crm6_special_fee_is_signed_by_clerk_manager_and_finance_each_with_their_role(
    crm: httpx.AsyncClient,
) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/special-fee-requests/{await special_fee_of(crm, rep)}"

    for step, sub in (("sales_clerk", "E-CLERK"), ("sales_manager", "E-MGR"), ("finance", "E-FIN")):
        response = await sign(crm, path, step, step, sub)
        assert response.status_code == 200, response.text

    body = response.json()
    assert body["status"] == "approved"
    assert [(s["step"], s["signer"]) for s in body["sign_offs"]] == [
        ("sales_clerk", "E-CLERK"),
        ("sales_manager", "E-MGR"),
        ("finance", "E-FIN"),
    ]


async def test_crm6_a_sales_user_cannot_sign_as_clerk(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/special-fee-requests/{await special_fee_of(crm, rep)}"

    refused = await sign(crm, path, "sales_clerk", "sales", "E-OTHER-REP")

    assert refused.status_code == 403
    assert (await crm.get(path, headers=auth("finance"))).json()["sign_offs"] == []


async def test_crm6_clerk_cannot_sign_as_manager(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/special-fee-requests/{await special_fee_of(crm, rep)}"
    assert (await sign(crm, path, "sales_clerk", "sales_clerk", "E-CLERK")).status_code == 200

    refused = await sign(crm, path, "sales_manager", "sales_clerk", "E-CLERK-2")

    assert refused.status_code == 403
    assert (refused.json()["code"], refused.json()["required_role"]) == ("signer_lacks_role", "sales_manager")


async def test_crm6_the_rep_cannot_sign_their_own_special_fee_even_as_clerk(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/special-fee-requests/{await special_fee_of(crm, rep)}"

    refused = await sign(crm, path, "sales_clerk", "sales_clerk", rep)

    assert refused.status_code == 403
    assert (refused.json()["code"], refused.json()["required_role"]) == ("signer_is_rep", "sales_clerk")


async def test_crm6_one_person_holding_two_sign_off_roles_signs_only_once(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/special-fee-requests/{await special_fee_of(crm, rep)}"
    both = {"Authorization": f"Bearer {mint_token(DEV_SECRET, 'E-BOTH', ['sales_clerk', 'sales_manager'])}"}
    assert (await crm.post(f"{path}/sign-offs", json={"step": "sales_clerk"}, headers=both)).status_code == 200

    refused = await crm.post(f"{path}/sign-offs", json={"step": "sales_manager"}, headers=both)

    assert refused.status_code == 403
    assert refused.json()["code"] == "signer_already_signed"


async def test_crm6_a_sales_rep_cannot_sign_another_reps_statement(crm: httpx.AsyncClient) -> None:
    path = f"/v1/fee-statements/{await statement_of(crm, f'E-{uuid.uuid4().hex[:8]}')}"

    refused = await sign(crm, path, "sales_clerk", "sales", f"E-{uuid.uuid4().hex[:8]}")

    assert refused.status_code == 403


async def test_crm6_the_rep_cannot_sign_their_own_statement_even_as_clerk(crm: httpx.AsyncClient) -> None:
    rep = f"E-{uuid.uuid4().hex[:8]}"
    path = f"/v1/fee-statements/{await statement_of(crm, rep)}"

    refused = await sign(crm, path, "sales_clerk", "sales_clerk", rep)

    assert refused.status_code == 403
    assert refused.json()["code"] == "signer_is_rep"


async def test_crm6_sales_clerk_and_manager_read_every_reps_statement(crm: httpx.AsyncClient) -> None:
    path = f"/v1/fee-statements/{await statement_of(crm, f'E-{uuid.uuid4().hex[:8]}')}"
    for role in ("sales_clerk", "sales_manager"):
        assert (await crm.get(path, headers=auth(role, sub=f"E-{role}"))).status_code == 200
