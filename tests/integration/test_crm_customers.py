"""CRM-1…CRM-4 over HTTP and the real broker."""

import uuid

import httpx
import pytest

from shared.events import topics
from shared.stack import Stack
from tests.support import auth, events_in, eventually, read_topic

pytestmark = pytest.mark.integration


def customer_body(revenue: str = "2500000.00", **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "广州某机电有限公司",
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
        "annual_revenue": revenue,
        "provincial_designated": False,
    }
    body.update(overrides)
    return body


def new_id() -> str:
    return f"C-{uuid.uuid4()}"


async def test_crm1_put_in_the_spec_shape_returns_tier_and_owner_level(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    response = await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("sales"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["id"], body["tier"], body["owner_level"]) == (customer_id, "platinum", "city")
    assert body["annual_revenue"] == "2500000.00"
    assert body["ownership"]["monitored_by"] == "provincial"

    fetched = await crm.get(f"/v1/customers/{customer_id}", headers=auth("customer_service"))
    assert fetched.status_code == 200
    assert fetched.json()["tier"] == "platinum"


async def test_crm3_tier_change_and_upsert_land_on_the_customers_topic(stack: Stack, crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    await crm.put(f"/v1/customers/{customer_id}", json=customer_body("150000.00"), headers=auth("quality_manager"))
    response = await crm.put(
        f"/v1/customers/{customer_id}", json=customer_body("6000000.00"), headers=auth("quality_manager")
    )
    assert response.json()["tier"] == "diamond"

    async def published() -> list[dict[str, object]]:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.CUSTOMERS)
        events = events_in([r for r in records if r.key == customer_id.encode()])
        return events if len(events) >= 4 else []

    events = await eventually(published)
    changes = [e["data"] for e in events if e["type"] == "qms.crm.customer.tier_changed.v1"]
    assert [(c["previous_tier"], c["tier"]) for c in changes] == [(None, "vip"), ("vip", "diamond")]
    upserts = [e for e in events if e["type"] == "qms.crm.customer.upserted.v1"]
    assert len(upserts) == 2 and upserts[-1]["subject"] == customer_id


async def test_crm3_tier_history_keeps_every_change(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    for revenue in ("5000.00", "5000.00", "250000.00"):
        await crm.put(f"/v1/customers/{customer_id}", json=customer_body(revenue), headers=auth("admin_dept"))
    response = await crm.put(
        f"/v1/customers/{customer_id}",
        json=customer_body("250000.00", provincial_designated=True),
        headers=auth("admin_dept"),
    )
    assert response.json()["tier"] == "diamond"

    history = (await crm.get(f"/v1/customers/{customer_id}/tier-history", headers=auth("sales"))).json()
    assert [(h["previous_tier"], h["tier"]) for h in history["items"]] == [
        (None, "none"),
        ("none", "gold"),
        ("gold", "diamond"),
    ]


async def test_crm1_revenue_group_3_customer_at_8000_is_vip(crm: httpx.AsyncClient) -> None:
    body = customer_body("8000.00", region={"province": "甘肃", "city": "定西", "revenue_group": 3})
    response = await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("sales"))
    assert (response.json()["tier"], response.json()["owner_level"]) == ("vip", "county")


async def test_customers_list_filters_and_pages_with_a_cursor(crm: httpx.AsyncClient) -> None:
    province = f"P-{uuid.uuid4().hex[:8]}"
    for revenue in ("300000.00", "400000.00", "500000.00", "50000.00"):
        body = customer_body(revenue, region={"province": province, "city": "X", "revenue_group": 1})
        await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("sales"))

    seen: list[str] = []
    params: dict[str, object] = {"province": province, "tier": "gold", "limit": 2}
    while True:
        page = (await crm.get("/v1/customers", params=params, headers=auth("finance"))).json()
        seen.extend(item["id"] for item in page["items"])
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert len(seen) == 3 == len(set(seen))


async def test_crm4_customer_with_factors_is_classified_and_filterable(crm: httpx.AsyncClient) -> None:
    customer_id, province = new_id(), f"P-{uuid.uuid4().hex[:8]}"
    body = customer_body(
        "2500000.00",
        region={"province": province, "revenue_group": 1},
        nature="distributor",
        scale="large",
        trend="growing",
    )
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("sales"))
    assert (response.json()["customer_class"], response.json()["class_score"]) == ("A", 100)

    found = (await crm.get("/v1/customers", params={"class": "A", "province": province}, headers=auth("sales"))).json()
    assert [item["id"] for item in found["items"]] == [customer_id]


async def test_crm4_unknown_factor_is_a_422_problem(crm: httpx.AsyncClient) -> None:
    body = customer_body(nature="alien", scale="large", trend="growing")
    response = await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("sales"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_class_factor"


@pytest.mark.parametrize(
    "change",
    [
        {"annual_revenue": "1.234"},
        {"annual_revenue": "-1.00"},
        {"region": {"province": "广东", "revenue_group": 4}},
        {"surprise": True},
        {"name": "x" * 501},
    ],
)
async def test_bad_customer_input_is_a_4xx_problem(crm: httpx.AsyncClient, change: dict[str, object]) -> None:
    response = await crm.put(f"/v1/customers/{new_id()}", json=customer_body(**change), headers=auth("sales"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_customer_service_may_read_but_not_write_customers(crm: httpx.AsyncClient) -> None:
    response = await crm.put(f"/v1/customers/{new_id()}", json=customer_body(), headers=auth("customer_service"))
    assert response.status_code == 403


async def test_a_sales_rep_cannot_take_over_another_reps_customer(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("sales", sub="E-OWNER"))
    response = await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("sales", sub="E-OTHER"))
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_customer"


async def test_crm4_scoring_table_put_by_sales_is_forbidden(crm: httpx.AsyncClient) -> None:
    table = (await crm.get("/v1/class-scoring", headers=auth("sales"))).json()
    assert table["class_minimums"] == {"A": 80, "B": 60, "C": 40}
    body = {k: table[k] for k in ("nature", "scale", "trend", "sales_bands", "class_minimums", "visit_interval_months")}
    response = await crm.put("/v1/class-scoring", json=body, headers=auth("sales"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/customers?province=%00", 422),
        ("/v1/customers/C%00X", 422),
        ("/v1/customers?cursor=not-a-cursor", 400),
        ("/v1/customers?tier=bronze", 422),
    ],
)
async def test_bad_query_or_path_is_a_problem_never_a_500(crm: httpx.AsyncClient, path: str, status: int) -> None:
    response = await crm.get(path, headers=auth("sales"))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_crm4_scoring_table_round_trips_and_a_broken_one_is_refused(crm: httpx.AsyncClient) -> None:
    table = (await crm.get("/v1/class-scoring", headers=auth("quality_manager"))).json()
    body = {k: table[k] for k in ("nature", "scale", "trend", "sales_bands", "class_minimums", "visit_interval_months")}
    saved = await crm.put("/v1/class-scoring", json=body, headers=auth("quality_manager"))
    assert saved.status_code == 200, saved.text
    assert (saved.json()["version"], saved.json()["reclassified"]) == (table["version"] + 1, 0)

    broken = {**body, "class_minimums": {"A": 40, "B": 60, "C": 80}}
    refused = await crm.put("/v1/class-scoring", json=broken, headers=auth("admin_dept"))
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_scoring_table"
