"""Helpers of the crm suites: customers with a project, visit reports and fee statements."""

import uuid

import httpx

from tests.support import auth


async def customer_with_project(crm: httpx.AsyncClient, regional_rep: str, delivered_on: str) -> str:
    customer_id = f"C-{uuid.uuid4()}"
    body = {
        "name": "深圳某设备公司",
        "region": {"province": "广东", "city": "深圳", "revenue_group": 1},
        "annual_revenue": "300000.00",
        "sales_owner": regional_rep,
        "regional_sales_rep": regional_rep,
    }
    assert (await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))).is_success
    project = {"name": "3号线阀组", "delivered_on": delivered_on}
    response = await crm.put(f"/v1/customers/{customer_id}/projects/P-1", json=project, headers=auth("sales"))
    assert response.status_code == 200, response.text
    return customer_id


def report(customer_id: str, visitor: str, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "customer_id": customer_id,
        "visitor": {"id": visitor, "name": "张强"},
        "visited_at": "2026-11-20T10:00:00+08:00",
        "opinions": "希望缩短交货期",
        "market_information": "本地需求上升",
        "competitor_moves": "某竞品降价5%",
        "results": "确认下季度订单",
        "handled_matters": "更换了两只阀门",
    }
    body.update(overrides)
    return body


async def customer_of(crm: httpx.AsyncClient, rep: str, **extra: object) -> str:
    customer_id = f"C-{uuid.uuid4()}"
    body = {
        "name": "佛山某五金厂",
        "region": {"province": "广东", "city": "佛山", "revenue_group": 2},
        "annual_revenue": "120000.00",
        "sales_owner": rep,
        **extra,
    }
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))
    assert response.status_code == 200, response.text
    return customer_id


async def statement_of(crm: httpx.AsyncClient, rep: str) -> str:
    product = f"VX-{uuid.uuid4().hex[:6]}"
    customer_id = await customer_of(crm, rep)
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "1000.00"}, headers=auth("finance"))
    line = {"customer_id": customer_id, "product": product, "purpose": "event", "purchase_amount": 0, "fee_amount": 100}
    created = await crm.post(
        "/v1/fee-statements", json={"month": "2026-10", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])
