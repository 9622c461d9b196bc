"""SAN-5 over HTTP: administration closes a month; finance downloads CSV and XLSX."""

import asyncio
import io
import uuid
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from shared.events import topics
from shared.stack import Stack
from tests.integration.sanctions_helpers import ADMIN, QM, employee, open_months, post, restore_spec_catalog, violation
from tests.support import auth, events_in, eventually, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


FINANCE = auth("finance", sub="FI-1", department="finance")


async def charged(sanctions: httpx.AsyncClient, body: dict[str, Any], *, stamp: bool = True) -> dict[str, Any]:
    notice: dict[str, Any] = (await post(sanctions, body))["notice"]
    assert (await sanctions.post(f"/v1/notices/{notice['id']}/issue", headers=QM)).status_code == 200
    if stamp:
        assert (await sanctions.post(f"/v1/notices/{notice['id']}/stamp", headers=ADMIN)).status_code == 200
    return notice


async def test_san5_closing_a_month_sums_people_and_departments_and_exports_them(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    month, _ = await open_months(sanctions)
    at = f"{month}-15T10:00:00+08:00"
    wang, zhao = employee(), employee()
    await charged(
        sanctions,
        violation("5.1.3.1", wang, occurred_at=at, employee={"id": wang, "name": "王伟", "department": "采购部"}),
    )
    await charged(
        sanctions,
        violation("5.1.4.1", wang, occurred_at=at, employee={"id": wang, "name": "王伟", "department": "采购部"}),
    )
    await charged(
        sanctions,
        violation(
            "5.2.3.2",
            zhao,
            occurred_at=at,
            amount="30",
            compensation="120.50",
            employee={"id": zhao, "name": "赵敏", "department": "机加部"},
        ),
    )

    closed = await sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN)

    assert closed.status_code == 200, closed.text
    summary = (await sanctions.get(f"/v1/summaries/{month}", headers=FINANCE)).json()
    people = {line["employee_id"]: line for line in summary["people"]}
    assert summary["status"] == "closed"
    assert (people[wang]["rewards"], people[wang]["penalties"], people[wang]["net"]) == ("50.00", "500.00", "-450.00")
    assert (people[zhao]["penalties"], people[zhao]["compensation"]) == ("30.00", "120.50")
    departments = {d["department_name"]: d for d in summary["departments"]}
    assert (departments["采购部"]["net"], departments["机加部"]["net"]) == ("-450.00", "-30.00")
    assert (departments["采购部"]["department"], departments["机加部"]["department"]) == ("purchasing", "machining")

    csv_response = await sanctions.get(f"/v1/summaries/{month}.csv", headers=FINANCE)
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    text = csv_response.content.decode("utf-8-sig")
    assert f"{wang},王伟,采购部,50.00,500.00,0.00,-450.00,0,2" in text.splitlines()
    departments_csv = await sanctions.get(f"/v1/summaries/{month}/departments.csv", headers=FINANCE)
    department_lines = departments_csv.content.decode("utf-8-sig").splitlines()
    assert department_lines[0] == "部门,奖励(元),罚款(元),赔偿(元),净额(元),人数"
    assert "采购部,50.00,500.00,0.00,-450.00,1" in department_lines

    xlsx_response = await sanctions.get(f"/v1/summaries/{month}.xlsx", headers=FINANCE)
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    rows = {row[0]: row for row in workbook["个人汇总"].iter_rows(min_row=2, values_only=True)}
    assert rows[zhao][1:7] == ("赵敏", "机加部", 0, 30, 120.5, -30)
    department_rows = list(workbook["部门合计"].iter_rows(values_only=True))
    assert department_rows[0][0] == "部门" and ("采购部", 50, 500, 0, -450, 1) in department_rows

    async def published() -> list[dict[str, Any]]:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.NOTICES)
        events = events_in(records)
        return [e for e in events if e.get("type") == "qms.sanctions.summary.closed.v1" and e["subject"] == month]

    event = (await eventually(published))[0]
    assert (event["data"]["total_penalties"], event["data"]["notice_count"]) == ("530.00", 3)


async def test_san5_a_closed_month_is_immutable_and_later_notices_fall_into_the_next_open_month(
    sanctions: httpx.AsyncClient,
) -> None:
    month, following = await open_months(sanctions)
    at = f"{month}-20T10:00:00+08:00"
    person = employee()
    stamped = await charged(sanctions, violation("5.2.1.7", person, occurred_at=at))
    unstamped = await charged(sanctions, violation("5.2.1.8", person, occurred_at=at), stamp=False)
    assert (await sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN)).status_code == 200

    again = await sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN)
    late = (await post(sanctions, violation("5.2.1.4", person, occurred_at=at)))["notice"]
    withdraw = await sanctions.post(f"/v1/notices/{stamped['id']}/withdraw", headers=QM)
    carried = (await sanctions.get(f"/v1/notices/{unstamped['id']}", headers=QM)).json()

    assert (again.status_code, again.json()["code"]) == (409, "month_closed")
    assert (withdraw.status_code, withdraw.json()["code"]) == (409, "invalid_transition")
    assert late["month"] == following
    assert (carried["month"], carried["status"]) == (following, "issued")
    summary = (await sanctions.get(f"/v1/summaries/{month}", headers=QM)).json()
    assert [line["employee_id"] for line in summary["people"]] == [person]
    assert summary["people"][0]["penalties"] == "50.00"


async def test_san5_only_administration_closes_and_a_future_month_cannot_close(sanctions: httpx.AsyncClient) -> None:
    for role in ("finance", "quality_manager", "inspector"):
        assert (await sanctions.post("/v1/summaries/2024-01/close", headers=auth(role))).status_code == 403
    future = await sanctions.post("/v1/summaries/2999-01/close", headers=ADMIN)
    malformed = await sanctions.get("/v1/summaries/2025-13", headers=ADMIN)
    employee_view = await sanctions.get("/v1/summaries/2025-03", headers=auth("inspector", sub=str(uuid.uuid4())))

    assert (future.status_code, future.json()["code"]) == (422, "month_not_started")
    assert malformed.status_code == 422
    assert employee_view.status_code == 403


async def test_san5_a_notice_under_an_open_dispute_waits_for_the_decision_in_the_next_month(
    sanctions: httpx.AsyncClient,
) -> None:
    (month, following), person = await open_months(sanctions), employee()
    disputed = await charged(sanctions, violation("5.2.1.6", person, occurred_at=f"{month}-08T10:00:00+08:00"))
    url = f"/v1/notices/{disputed['id']}"
    assert (await sanctions.post(f"{url}/dispute", json={"reason": "数据无误"}, headers=QM)).status_code == 200

    closed = (await sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN)).json()
    decided = await sanctions.post(f"{url}/decide", json={"outcome": "upheld"}, headers=ADMIN)

    assert person not in [line["employee_id"] for line in closed["people"]]
    assert (decided.json()["month"], decided.json()["status"], decided.json()["dispute_status"]) == (
        following,
        "stamped",
        "upheld",
    )
    preview = (await sanctions.get(f"/v1/summaries/{following}", headers=FINANCE)).json()
    assert preview["status"] == "open"
    assert [line["penalties"] for line in preview["people"] if line["employee_id"] == person] == ["50.00"]


async def test_san5_two_administrators_closing_one_month_at_once_close_it_once(sanctions: httpx.AsyncClient) -> None:
    month, _ = await open_months(sanctions)
    await charged(sanctions, violation("5.2.1.5", employee(), occurred_at=f"{month}-09T10:00:00+08:00"))

    responses = await asyncio.gather(*(sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN) for _ in range(3)))

    assert sorted(r.status_code for r in responses) == [200, 409, 409]
