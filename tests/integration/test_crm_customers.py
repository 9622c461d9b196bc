"""CRM-1…CRM-4 over HTTP and the real broker."""

import uuid
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.stack import Stack
from tests.support import auth, events_in, eventually, read_topic

pytestmark = pytest.mark.integration


def customer_body(revenue: str = "2500000.00", /, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "广州某机电有限公司",
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
        "annual_revenue": revenue,
        "provincial_designated": False,
    }
    body.update(overrides)
    return body


def contact_body(**overrides: object) -> dict[str, object]:
    """What a sales rep may set: the customer's name and region."""
    body: dict[str, object] = {
        "name": "广州某机电有限公司",
        "region": {"province": "广东", "city": "广州", "county": "天河", "revenue_group": 1},
    }
    body.update(overrides)
    return body


def new_id() -> str:
    return f"C-{uuid.uuid4()}"


async def test_crm1_put_in_the_spec_shape_returns_tier_and_owner_level(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    response = await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("admin_dept"))
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
    await crm.put(f"/v1/customers/{customer_id}", json=customer_body("150000.00"), headers=auth("erp"))
    response = await crm.put(f"/v1/customers/{customer_id}", json=customer_body("6000000.00"), headers=auth("erp"))
    assert response.json()["tier"] == "diamond"

    async def published() -> list[dict[str, Any]]:
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
    response = await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("erp"))
    assert (response.json()["tier"], response.json()["owner_level"]) == ("vip", "county")


async def test_customers_list_filters_and_pages_with_a_cursor(crm: httpx.AsyncClient) -> None:
    province = f"P-{uuid.uuid4().hex[:8]}"
    for revenue in ("300000.00", "400000.00", "500000.00", "50000.00"):
        body = customer_body(revenue, region={"province": province, "city": "X", "revenue_group": 1})
        await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("admin_dept"))

    seen: list[str] = []
    params: dict[str, str | int] = {"province": province, "tier": "gold", "limit": 2}
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
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))
    assert (response.json()["customer_class"], response.json()["class_score"]) == ("A", 100)

    found = (await crm.get("/v1/customers", params={"class": "A", "province": province}, headers=auth("sales"))).json()
    assert [item["id"] for item in found["items"]] == [customer_id]


async def test_crm4_unknown_factor_is_a_422_problem(crm: httpx.AsyncClient) -> None:
    body = customer_body(nature="alien", scale="large", trend="growing")
    response = await crm.put(f"/v1/customers/{new_id()}", json=body, headers=auth("admin_dept"))
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
    response = await crm.put(f"/v1/customers/{new_id()}", json=customer_body(**change), headers=auth("admin_dept"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_customer_service_may_read_but_not_write_customers(crm: httpx.AsyncClient) -> None:
    response = await crm.put(f"/v1/customers/{new_id()}", json=customer_body(), headers=auth("customer_service"))
    assert response.status_code == 403


async def test_a_sales_rep_cannot_take_over_another_reps_customer(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    created = await crm.put(f"/v1/customers/{customer_id}", json=contact_body(), headers=auth("sales", sub="E-OWNER"))
    assert created.status_code == 200, created.text
    response = await crm.put(f"/v1/customers/{customer_id}", json=contact_body(), headers=auth("sales", sub="E-OTHER"))
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


# --- SPEC §7 (rev. 2026-12): who may set what -------------------------------------------------------


async def rep_customer(crm: httpx.AsyncClient, rep: str, **facts: object) -> str:
    """A customer owned by ``rep``, with revenue and facts set by administration."""
    customer_id = new_id()
    body = customer_body("120000.00", sales_owner=rep, **facts)
    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))
    assert response.status_code == 200, response.text
    return customer_id


async def stored(crm: httpx.AsyncClient, customer_id: str) -> dict[str, object]:
    response = await crm.get(f"/v1/customers/{customer_id}", headers=auth("admin_dept"))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def rep_id() -> str:
    return f"E-{uuid.uuid4().hex[:8]}"


async def test_sec7_a_rep_edits_contact_and_region_of_their_own_customer(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)
    region = {"province": "广东", "city": "广州", "county": "番禺", "revenue_group": 1}

    response = await crm.put(
        f"/v1/customers/{customer_id}",
        json=contact_body(name="广州某机电集团", region=region),
        headers=auth("sales", sub=rep),
    )

    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["region"]["county"]) == ("广州某机电集团", "番禺")


async def test_sec7_a_rep_keeps_the_contact_data_of_their_customer(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)
    contact = {"person": "陈经理", "phone": "13900000000", "email": "chen@example.com"}
    headers = auth("sales", sub=rep)

    kept = await crm.put(f"/v1/customers/{customer_id}", json={"contact": contact}, headers=headers)
    renamed = await crm.put(f"/v1/customers/{customer_id}", json={"name": "广州某机电集团"}, headers=headers)

    assert kept.status_code == 200, kept.text
    assert renamed.json()["contact"] == {**contact, "address": None}


async def test_sec7_a_rep_cannot_make_a_customer_diamond(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)

    response = await crm.put(
        f"/v1/customers/{customer_id}",
        json=customer_body("120000.00", provincial_designated=True),
        headers=auth("sales", sub=rep),
    )

    assert response.status_code == 403
    assert (response.json()["code"], response.json()["fields"]) == ("field_not_permitted", ["provincial_designated"])
    assert (await stored(crm, customer_id))["tier"] == "vip"


async def test_sec7_a_rep_cannot_inflate_revenue(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)

    response = await crm.put(
        f"/v1/customers/{customer_id}", json=customer_body("6000000.00"), headers=auth("sales", sub=rep)
    )

    assert response.status_code == 403
    assert response.json()["fields"] == ["annual_revenue"]
    assert (await stored(crm, customer_id))["annual_revenue"] == "120000.00"


async def test_sec7_a_refused_put_names_every_field_and_writes_nothing(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)
    body = customer_body("6000000.00", name="改名", provincial_designated=True, regional_sales_rep="E-FRIEND")

    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("sales", sub=rep))

    assert response.status_code == 403
    assert response.json()["fields"] == ["annual_revenue", "provincial_designated", "regional_sales_rep"]
    after = await stored(crm, customer_id)
    assert (after["name"], after["regional_sales_rep"]) == ("广州某机电有限公司", rep)


async def test_sec7_repeating_the_stored_value_is_fine(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)
    body = customer_body("120000.00", sales_owner=rep, provincial_designated=False)

    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("sales", sub=rep))

    assert response.status_code == 200, response.text


async def test_sec7_a_rep_cannot_claim_an_unowned_customer(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()
    assert (await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("admin_dept"))).is_success

    response = await crm.put(f"/v1/customers/{customer_id}", json=contact_body(), headers=auth("sales", sub=rep_id()))

    assert response.status_code == 403
    assert response.json()["code"] == "not_your_customer"
    assert (await stored(crm, customer_id))["sales_owner"] is None


async def test_sec7_a_rep_cannot_name_the_regional_rep(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)

    response = await crm.put(
        f"/v1/customers/{customer_id}", json=contact_body(regional_sales_rep="E-FRIEND"), headers=auth("sales", sub=rep)
    )

    assert response.status_code == 403
    assert response.json()["fields"] == ["regional_sales_rep"]


async def test_sec7_sales_manager_assigns_owner_and_regional_rep(crm: httpx.AsyncClient) -> None:
    customer_id = await rep_customer(crm, rep_id())
    body = {"sales_owner": "E-NEW-OWNER", "regional_sales_rep": "E-LOCAL"}

    response = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("sales_manager", sub="E-MGR"))

    assert response.status_code == 200, response.text
    assert (response.json()["sales_owner"], response.json()["regional_sales_rep"]) == ("E-NEW-OWNER", "E-LOCAL")


async def test_sec7_a_rep_cannot_reset_the_contract_date_to_get_a_special_fee(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep, contract_signed_on="2026-11-01")

    response = await crm.put(
        f"/v1/customers/{customer_id}", json=contact_body(contract_signed_on=None), headers=auth("sales", sub=rep)
    )

    assert response.status_code == 403
    assert response.json()["fields"] == ["contract_signed_on"]
    fee = {"customer_id": customer_id, "amount": "800.00", "purpose": "新客户开发"}
    refused = await crm.post("/v1/special-fee-requests", json=fee, headers=auth("sales", sub=rep))
    assert refused.json()["code"] == "contract_already_signed"


async def test_sec7_a_rep_records_the_contract_date_of_their_customer_once(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep)
    headers = auth("sales", sub=rep)

    first = await crm.put(f"/v1/customers/{customer_id}", json={"contract_signed_on": "2026-11-20"}, headers=headers)
    later = await crm.put(f"/v1/customers/{customer_id}", json={"contract_signed_on": "2026-12-20"}, headers=headers)

    assert first.status_code == 200, first.text
    assert later.status_code == 403
    assert (await stored(crm, customer_id))["contract_signed_on"] == "2026-11-20"


async def test_sec7_a_put_that_leaves_fields_out_keeps_them(crm: httpx.AsyncClient) -> None:
    rep = rep_id()
    customer_id = await rep_customer(crm, rep, provincial_designated=True, contract_signed_on="2026-11-01")

    response = await crm.put(f"/v1/customers/{customer_id}", json=contact_body(), headers=auth("sales", sub=rep))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["tier"], body["annual_revenue"], body["provincial_designated"]) == ("diamond", "120000.00", True)
    assert (body["sales_owner"], body["contract_signed_on"]) == (rep, "2026-11-01")


async def test_sec7_a_rep_records_a_new_customer_without_revenue_and_owns_it(crm: httpx.AsyncClient) -> None:
    rep = rep_id()

    response = await crm.put(f"/v1/customers/{new_id()}", json=contact_body(), headers=auth("sales", sub=rep))

    assert response.status_code == 200, response.text
    assert (response.json()["sales_owner"], response.json()["tier"]) == (rep, "none")


async def test_sec7_a_rep_cannot_set_revenue_on_a_new_customer(crm: httpx.AsyncClient) -> None:
    customer_id = new_id()

    response = await crm.put(f"/v1/customers/{customer_id}", json=customer_body(), headers=auth("sales", sub=rep_id()))

    assert response.status_code == 403
    assert response.json()["fields"] == ["annual_revenue"]
    assert (await crm.get(f"/v1/customers/{customer_id}", headers=auth("admin_dept"))).status_code == 404


async def test_sec7_the_erp_sets_revenue(crm: httpx.AsyncClient) -> None:
    customer_id = await rep_customer(crm, rep_id())

    response = await crm.put(f"/v1/customers/{customer_id}", json={"annual_revenue": "2500000.00"}, headers=auth("erp"))

    assert response.status_code == 200, response.text
    assert (response.json()["tier"], response.json()["name"]) == ("platinum", "广州某机电有限公司")


async def test_sec7_a_new_customer_needs_name_and_region(crm: httpx.AsyncClient) -> None:
    response = await crm.put(f"/v1/customers/{new_id()}", json={"annual_revenue": "1000.00"}, headers=auth("erp"))

    assert response.status_code == 422
    assert (response.json()["code"], response.json()["fields"]) == ("missing_fields", ["name", "region"])


async def test_sec7_quality_manager_reads_but_does_not_write_customers(crm: httpx.AsyncClient) -> None:
    customer_id = await rep_customer(crm, rep_id())
    assert (await crm.get(f"/v1/customers/{customer_id}", headers=auth("quality_manager"))).status_code == 200
    response = await crm.put(f"/v1/customers/{customer_id}", json=contact_body(), headers=auth("quality_manager"))
    assert response.status_code == 403
