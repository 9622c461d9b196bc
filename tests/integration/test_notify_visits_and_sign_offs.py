"""Notify's visit reminders (CRM-5) and pending sign-offs (CRM-6) over the running stack (NTF-1).

Visits go end to end: crm plans and records them and publishes what notify needs. Time is notify's
clock, moved through PUT /v1/clock; nothing here waits for a real day to pass.
"""

import json
import uuid
from datetime import date, datetime
from typing import Any

import httpx
import pytest

from shared.events import Envelope, topics
from shared.events.crm import FeeStatementEvent, FeeStatementSignedOffV1, FeeStatementSubmittedV1
from shared.stack import Stack
from shared.workcalendar import WorkingCalendar
from tests.integration.notify_helpers import CHINA, inbox, one_in_inbox, put_person, set_clock
from tests.support import auth, eventually, produce, service_db, unique

pytestmark = pytest.mark.integration

# September 2026 ends on Wednesday 09-30, right before the National Day holiday (10-01 … 10-07).
MONTH, DUE_ON = "2026-09", "2026-09-30"
BEFORE_THE_MONTH = f"2026-09-20T09:00:00{CHINA}"
REMINDED_AT = f"2026-09-28T14:00:00{CHINA}"  # the 3rd-last working day up to the due day, 14:00
OVERDUE_AT = f"2026-10-08T09:00:00{CHINA}"  # the first working day after the due day, 09:00


def after(moment: str) -> str:
    return moment.replace(":00+", ":05+")


async def customer_with_project(crm: httpx.AsyncClient, owner: str, regional_rep: str) -> str:
    """A customer whose project went live this year, so CRM-5 visits it monthly."""
    customer_id = f"C-{uuid.uuid4()}"
    body = {
        "name": "东莞某机电公司",
        "region": {"province": "广东", "city": "东莞", "revenue_group": 1},
        "annual_revenue": "300000.00",
        "sales_owner": owner,
        "regional_sales_rep": regional_rep,
    }
    answer = await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))
    assert answer.status_code == 200, answer.text
    project = {"name": "2号厂房空压站", "delivered_on": "2026-01-05"}
    answer = await crm.put(f"/v1/customers/{customer_id}/projects/P-1", json=project, headers=auth("sales", sub=owner))
    assert answer.status_code == 200, answer.text
    return customer_id


async def plan_of(crm: httpx.AsyncClient, customer_id: str) -> str:
    """Plans September's visits in crm and returns this customer's plan."""
    answer = await crm.post("/v1/visit-plans/generate", json={"month": MONTH}, headers=auth("quality_manager"))
    assert answer.status_code == 200, answer.text
    plans = await crm.get("/v1/visit-plans", params={"customer_id": customer_id, "month": MONTH}, headers=auth("sales"))
    [plan] = plans.json()["items"]
    assert plan["due_on"] == DUE_ON
    return str(plan["id"])


async def visit_timers(stack: Stack, plan_id: str) -> dict[str, dict[str, Any]]:
    async with service_db(stack, "notify") as conn:
        rows = await conn.fetch("SELECT rule, due_at, status, params FROM timers WHERE subject = $1", plan_id)
    return {row["rule"]: {**dict(row), "params": json.loads(row["params"])} for row in rows}


async def planned_visit(stack: Stack, plan_id: str) -> dict[str, dict[str, Any]]:
    async def both() -> dict[str, dict[str, Any]] | None:
        timers = await visit_timers(stack, plan_id)
        return timers if len(timers) == 2 else None

    return await eventually(both)


async def told(notify: httpx.AsyncClient, person: str, rule: str, subject: str) -> list[dict[str, Any]]:
    return [n for n in await inbox(notify, person, "sales") if n["rule"] == rule and n["subject"] == subject]


async def test_ntf1_crm5_a_visit_due_reminds_its_visitor_then_overdue_alerts_the_visitor_and_their_manager(
    stack: Stack, crm: httpx.AsyncClient, notify: httpx.AsyncClient
) -> None:
    owner, manager, department = unique("E-OWNER"), unique("E-HEAD"), unique("sales-east")
    await put_person(notify, owner, roles=["sales"], departments=[department])
    await put_person(notify, manager, roles=["sales"], departments=[department], head_of=department)
    await set_clock(notify, BEFORE_THE_MONTH)
    customer_id = await customer_with_project(crm, owner, unique("E-REGIONAL"))

    plan_id = await plan_of(crm, customer_id)

    timers = await planned_visit(stack, plan_id)
    assert timers["CRM-5.visit.due"]["due_at"] == datetime.fromisoformat(REMINDED_AT)
    assert timers["CRM-5.visit.overdue"]["due_at"] == datetime.fromisoformat(OVERDUE_AT)
    await set_clock(notify, after(REMINDED_AT))
    reminder = await one_in_inbox(notify, owner, "CRM-5.visit.due", plan_id)
    assert DUE_ON in reminder["body"] and customer_id in reminder["body"]
    assert await told(notify, owner, "CRM-5.visit.overdue", plan_id) == []
    assert await told(notify, manager, "CRM-5.visit.due", plan_id) == []

    await set_clock(notify, after(OVERDUE_AT))
    await one_in_inbox(notify, owner, "CRM-5.visit.overdue", plan_id)
    await one_in_inbox(notify, manager, "CRM-5.visit.overdue", plan_id)


async def test_ntf1_crm5_a_recorded_visit_ends_its_reminders(
    stack: Stack, crm: httpx.AsyncClient, notify: httpx.AsyncClient
) -> None:
    owner, visitor = unique("E-OWNER"), unique("E-VISITOR")
    await set_clock(notify, BEFORE_THE_MONTH)
    customer_id = await customer_with_project(crm, owner, unique("E-REGIONAL"))
    plan_id = await plan_of(crm, customer_id)
    await planned_visit(stack, plan_id)

    report = {
        "customer_id": customer_id,
        "visitor": {"id": visitor, "name": "陈刚"},
        "visited_at": f"2026-09-24T10:00:00{CHINA}",
        "opinions": "空压机噪音偏大",
        "results": "安排技术人员复查",
    }
    answer = await crm.post("/v1/visits", json=report, headers=auth("sales", sub=visitor))
    assert answer.status_code == 201, answer.text
    assert answer.json()["plan_id"] == plan_id

    async def cancelled() -> bool:
        timers = await visit_timers(stack, plan_id)
        return all(timer["status"] == "cancelled" for timer in timers.values())

    await eventually(cancelled)
    await set_clock(notify, after(OVERDUE_AT))
    assert await told(notify, owner, "CRM-5.visit.due", plan_id) == []
    assert await told(notify, owner, "CRM-5.visit.overdue", plan_id) == []


async def test_ntf1_crm5_a_customer_reassigned_to_another_rep_moves_its_reminder_to_them(
    stack: Stack, crm: httpx.AsyncClient, notify: httpx.AsyncClient
) -> None:
    previous, new = unique("E-OWNER"), unique("E-OWNER")
    await set_clock(notify, BEFORE_THE_MONTH)
    customer_id = await customer_with_project(crm, previous, unique("E-REGIONAL"))
    plan_id = await plan_of(crm, customer_id)
    assert (await planned_visit(stack, plan_id))["CRM-5.visit.due"]["params"]["visitor"] == previous

    answer = await crm.put(f"/v1/customers/{customer_id}", json={"sales_owner": new}, headers=auth("sales_manager"))
    assert answer.status_code == 200, answer.text

    async def moved() -> bool:
        timers = await visit_timers(stack, plan_id)
        return all(timer["params"]["visitor"] == new for timer in timers.values())

    await eventually(moved)
    await set_clock(notify, after(REMINDED_AT))
    await one_in_inbox(notify, new, "CRM-5.visit.due", plan_id)
    assert await told(notify, previous, "CRM-5.visit.due", plan_id) == []


async def test_ntf1_crm6_a_statement_submitted_in_crm_waits_on_all_three_steps_in_notify(
    stack: Stack, crm: httpx.AsyncClient
) -> None:
    rep, product = unique("E-REP"), f"VX-{uuid.uuid4().hex[:6]}"
    body = {"name": "佛山某五金厂", "region": {"province": "广东", "city": "佛山"}, "sales_owner": rep}
    customer_id = f"C-{uuid.uuid4()}"
    assert (await crm.put(f"/v1/customers/{customer_id}", json=body, headers=auth("admin_dept"))).is_success
    await crm.put(f"/v1/fee-budgets/{product}/2026", json={"amount": "1000.00"}, headers=auth("finance"))
    line = {"customer_id": customer_id, "product": product, "purpose": "event", "purchase_amount": 0, "fee_amount": 80}
    answer = await crm.post(
        "/v1/fee-statements", json={"month": "2026-10", "lines": [line]}, headers=auth("sales", sub=rep)
    )
    assert answer.status_code == 201, answer.text

    async def kept() -> list[str] | None:
        async with service_db(stack, "notify") as conn:
            row = await conn.fetchrow(
                "SELECT month, pending_steps FROM fee_statements WHERE statement_id = $1", answer.json()["id"]
            )
        return None if row is None else [row["month"], *row["pending_steps"]]

    assert await eventually(kept) == ["2026-10", "sales_clerk", "sales_manager", "finance"]


def statement_event(kind: type[FeeStatementEvent], statement_id: str, month: str, signed: list[str]) -> Envelope:
    steps = ["sales_clerk", "sales_manager", "finance"]
    extra = {"step": signed[-1], "signer": unique("E-SIGNER")} if kind is FeeStatementSignedOffV1 else {}
    data = kind(
        statement_id=statement_id,
        sales_rep=unique("E-REP"),
        month=month,
        signed_steps=signed,
        pending_steps=[step for step in steps if step not in signed],
        at=datetime.fromisoformat(f"2049-04-01T10:00:00{CHINA}"),
        **extra,
    )
    return Envelope(source="crm", type=kind.TYPE, subject=statement_id, data=data.model_dump(mode="json"))


async def test_ntf1_crm6_the_6th_working_day_reminds_the_pending_signer_and_not_one_whose_step_is_done(
    stack: Stack, notify: httpx.AsyncClient
) -> None:
    # A month of its own, far from every other test's statements: only this test's steps pend in it.
    month, statement_id = "2049-03", str(uuid.uuid4())
    clerk, manager, finance = unique("E-CLERK"), unique("E-MANAGER"), unique("E-FINANCE")
    for person, role in ((clerk, "sales_clerk"), (manager, "sales_manager"), (finance, "finance")):
        await put_person(notify, person, roles=[role], departments=["sales"])
    envelopes = [
        statement_event(FeeStatementSubmittedV1, statement_id, month, []),
        statement_event(FeeStatementSignedOffV1, statement_id, month, ["sales_clerk"]),
    ]
    messages = [(statement_id.encode(), e.model_dump_json().encode()) for e in envelopes]
    await produce(stack.kafka_bootstrap_servers or "", topics.FEE_STATEMENTS, messages)

    async def clerk_done() -> bool:
        async with service_db(stack, "notify") as conn:
            steps = await conn.fetchval(
                "SELECT pending_steps FROM fee_statements WHERE statement_id = $1", statement_id
            )
        return steps == ["sales_manager", "finance"]

    await eventually(clerk_done)
    sixth = WorkingCalendar().nth_working_day_of_month(2049, 4, 6).day
    await set_clock(notify, f"{date(2049, 4, 1).isoformat()}T08:00:00{CHINA}")

    async def reminder_planned() -> bool:
        async with service_db(stack, "notify") as conn:
            return bool(
                await conn.fetchval(
                    "SELECT count(*) FROM timers WHERE rule = 'CRM-6.sign_off' AND subject = $1", f"fees:{month}"
                )
            )

    await eventually(reminder_planned)
    await set_clock(notify, f"{sixth.isoformat()}T09:00:05{CHINA}")

    await one_in_inbox(notify, manager, "CRM-6.sign_off", f"fees:{month}", "sales_manager")
    await one_in_inbox(notify, finance, "CRM-6.sign_off", f"fees:{month}", "finance")
    assert [n for n in await inbox(notify, clerk, "sales_clerk") if n["subject"] == f"fees:{month}"] == []
