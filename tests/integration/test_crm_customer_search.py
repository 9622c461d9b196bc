"""CON search over HTTP: customers found by a Chinese part of their name, index-backed."""

import uuid

import httpx
import pytest

from shared.stack import Stack
from tests.support import auth, service_db, unique_chinese

pytestmark = pytest.mark.integration

ADMIN = auth("admin_dept", sub="AD-CUSTOMERS")


async def put_customer(crm: httpx.AsyncClient, name: str) -> str:
    customer_id = f"C-{uuid.uuid4()}"
    body = {
        "name": name,
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
        "annual_revenue": "2500000.00",
        "provincial_designated": False,
    }
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    return customer_id


async def found(crm: httpx.AsyncClient, q: str) -> list[str]:
    response = await crm.get("/v1/customers", params={"q": q}, headers=ADMIN)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def test_con_customers_are_found_by_a_chinese_part_of_their_name(crm: httpx.AsyncClient) -> None:
    marker = unique_chinese()
    customer_id = await put_customer(crm, f"佛山{marker}机电有限公司")
    assert await found(crm, marker[1:3]) == [customer_id]
    assert await found(crm, f"{marker}机电") == [customer_id]


async def test_con_a_renamed_customer_is_found_by_the_new_name_only(crm: httpx.AsyncClient) -> None:
    old, new = unique_chinese(), unique_chinese()
    customer_id = await put_customer(crm, f"{old}公司")
    body = {
        "name": f"{new}公司",
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
        "annual_revenue": "2500000.00",
        "provincial_designated": False,
    }
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    assert await found(crm, new) == [customer_id]
    assert await found(crm, old) == []


async def test_con_the_customer_search_is_answered_from_the_gram_index(stack: Stack) -> None:
    async with service_db(stack, "crm") as conn:
        await conn.execute("SET enable_seqscan = off")
        rows = await conn.fetch("EXPLAIN SELECT id FROM crm.customers WHERE name_grams @> ARRAY['机电']::text[]")
    assert "ix_customers_name_grams" in "\n".join(row[0] for row in rows)
