"""CRM-5's monthly planning pass over the stack's database: it plans the running month (and in its last
week the next) and announces each new plan once, however often it runs (NTF-1 reads the announcement)."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.visits.worker import plan_running_months
from shared.db import create_engine, make_sessionmaker
from shared.events.crm import VisitPlannedV1
from shared.settings import ServiceSettings
from shared.stack import Stack
from tests.support import auth, service_db

pytestmark = pytest.mark.integration


@pytest.fixture
async def crm_sessions(stack: Stack) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    settings = ServiceSettings(
        service="crm", database_url=stack.database_url or "", db_password=SecretStr(stack.db_password)
    )
    engine = create_engine(settings)
    try:
        yield make_sessionmaker(engine, "crm")
    finally:
        await engine.dispose()


async def test_crm5_the_planning_pass_plans_the_running_months_once_and_announces_each_plan_once(
    stack: Stack, crm: httpx.AsyncClient, crm_sessions: async_sessionmaker[AsyncSession]
) -> None:
    owner, customer_id = f"E-{uuid.uuid4().hex[:8]}", f"C-{uuid.uuid4()}"
    body = {
        "name": "惠州某电子厂",
        "region": {"province": "广东", "city": "惠州", "revenue_group": 1},
        "sales_owner": owner,
        "regional_sales_rep": f"E-{uuid.uuid4().hex[:8]}",
    }
    assert (await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))).is_success
    project = {"name": "1号线检测台", "delivered_on": "2025-12-15"}
    answer = await crm.put(f"/v1/customers/{customer_id}/projects/P-1", json=project, headers=auth("sales", sub=owner))
    assert answer.status_code == 200, answer.text

    # 2026-07-27 lies in July's last week: July and August are planned; twice changes nothing.
    await plan_running_months(crm_sessions, date(2026, 7, 27))
    await plan_running_months(crm_sessions, date(2026, 7, 28))

    plans = await crm.get("/v1/visit-plans", params={"customer_id": customer_id}, headers=auth("sales"))
    assert [plan["month"] for plan in plans.json()["items"]] == ["2026-07", "2026-08"]
    async with service_db(stack, "crm") as conn:
        rows = await conn.fetch(
            "SELECT payload FROM outbox WHERE event_type = $1 AND key = $2", VisitPlannedV1.TYPE, customer_id
        )
    announced = [json.loads(row["payload"])["data"] for row in rows]
    assert sorted((data["month"], data["visitor_id"]) for data in announced) == [("2026-07", owner), ("2026-08", owner)]
    assert sorted(data["plan_id"] for data in announced) == sorted(plan["id"] for plan in plans.json()["items"])
