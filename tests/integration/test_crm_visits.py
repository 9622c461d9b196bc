"""CRM-5 visits over HTTP: plans from delivered projects, who may visit, due/overdue, roll-ups."""

import uuid

import httpx
import pytest

from tests.integration.crm_helpers import customer_with_project, report
from tests.support import auth

pytestmark = pytest.mark.integration


async def test_crm5_plans_from_a_project_delivered_this_year_and_the_visit_fulfils_it(crm: httpx.AsyncClient) -> None:
    customer_id = await customer_with_project(crm, "E-REGIONAL", "2026-06-10")
    generated = await crm.post("/v1/visit-plans/generate", json={"month": "2026-11"}, headers=auth("quality_manager"))
    assert generated.status_code == 200, generated.text
    plans = (await crm.get("/v1/visit-plans", params={"customer_id": customer_id}, headers=auth("sales"))).json()
    assert [(p["month"], p["basis"], p["status"]) for p in plans["items"]] == [
        ("2026-11", "project_first_year", "planned")
    ]

    visit = await crm.post("/v1/visits", json=report(customer_id, "E-VISITOR"), headers=auth("sales", sub="E-VISITOR"))
    assert visit.status_code == 201, visit.text
    assert visit.json()["plan_id"] == plans["items"][0]["id"]

    done = await crm.get(
        "/v1/visit-plans", params={"customer_id": customer_id, "status": "done"}, headers=auth("sales")
    )
    assert [p["visit_id"] for p in done.json()["items"]] == [visit.json()["id"]]


async def test_crm5_the_regional_sales_rep_is_refused_as_visitor(crm: httpx.AsyncClient) -> None:
    customer_id = await customer_with_project(crm, "E-REGIONAL-2", "2026-06-10")
    response = await crm.post(
        "/v1/visits", json=report(customer_id, "E-REGIONAL-2"), headers=auth("sales", sub="E-REGIONAL-2")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "visitor_is_regional_sales_rep"


async def test_crm5_unvisited_plan_of_a_past_month_is_overdue(crm: httpx.AsyncClient) -> None:
    customer_id = await customer_with_project(crm, "E-REGIONAL-3", "2024-07-01")
    await crm.post("/v1/visit-plans/generate", json={"month": "2026-10"}, headers=auth("admin_dept"))
    params = {"customer_id": customer_id, "status": "overdue", "as_of": "2026-11-24"}
    overdue = (await crm.get("/v1/visit-plans", params=params, headers=auth("quality_manager"))).json()
    assert [(p["month"], p["basis"], p["overdue"]) for p in overdue["items"]] == [
        ("2026-10", "project_after_first_year", True)
    ]


async def test_crm5_daily_and_monthly_roll_ups_carry_the_report_fields(crm: httpx.AsyncClient) -> None:
    customer_id = await customer_with_project(crm, "E-REGIONAL-4", "2026-02-01")
    visitor = f"E-{uuid.uuid4().hex[:8]}"
    body = report(customer_id, visitor, visited_at="2026-11-18T15:00:00+08:00", urgent=True)
    assert (await crm.post("/v1/visits", json=body, headers=auth("customer_service"))).status_code == 201

    daily = (
        await crm.get("/v1/visits/daily", params={"date": "2026-11-18", "visitor": visitor}, headers=auth("sales"))
    ).json()
    assert daily["total"] == 1
    assert daily["visitors"][0]["visits"][0]["competitor_moves"] == "某竞品降价5%"

    monthly = (await crm.get("/v1/visits/monthly/2026-11", headers=auth("admin_dept"))).json()
    assert {"visitor_id": visitor, "visits": 1} in monthly["by_visitor"]
    assert any(v["customer_id"] == customer_id for v in monthly["urgent"])


async def test_crm5_visit_report_without_results_is_a_422_problem(crm: httpx.AsyncClient) -> None:
    body = report("C-any", "E-V")
    del body["results"]
    response = await crm.post("/v1/visits", json=body, headers=auth("sales"))
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
