"""CON management review over HTTP: intake's complaint statistics checked against the complaints
the test files."""

import itertools
import uuid
from typing import Any

import httpx
import pytest

from shared import clock
from shared.workcalendar import CHINA
from tests.integration.factories import product_complaint, service_complaint
from tests.support import auth

pytestmark = pytest.mark.integration

CLERK = auth("customer_service", sub="CS-STATS")
QUALITY = auth("quality_manager", sub="Q-STATS")
EXECUTIVE = auth("executive", sub="X-STATS")


# Each test takes a month of its own: a month of 2004–2009 no other test files complaints in.
_QUIET_MONTHS = itertools.count(uuid.uuid4().int % 72)


def quiet_month() -> str:
    index = next(_QUIET_MONTHS) % 72
    return f"{2004 + index // 12}-{index % 12 + 1:02d}"


async def file(intake: httpx.AsyncClient, body: dict[str, Any]) -> str:
    response = await intake.post("/v1/complaints", json=body, headers=CLERK)
    assert response.status_code == 201, response.text
    complaint_id: str = response.json()["id"]
    return complaint_id


async def step(intake: httpx.AsyncClient, complaint_id: str, action: str, body: Any, headers: dict[str, str]) -> None:
    response = await intake.post(f"/v1/complaints/{complaint_id}/{action}", json=body, headers=headers)
    assert response.status_code == 200, response.text


async def replied(intake: httpx.AsyncClient, complaint_id: str, cause: str) -> None:
    await step(intake, complaint_id, "investigate", None, CLERK)
    reply = {"cause": cause, "resolution": "更换阀体", "improvement": "加强来料检验", "signed_by": "Q-STATS"}
    await step(intake, complaint_id, "reply", reply, QUALITY)


async def stats(intake: httpx.AsyncClient, first: str, last: str) -> dict[str, Any]:
    response = await intake.get("/v1/stats/complaints", params={"from": first, "to": last}, headers=EXECUTIVE)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def file_month(intake: httpx.AsyncClient, month: str) -> None:
    """Four product complaints and one service complaint received in ``month``: three replied (late,
    as the reply comes years after the deadline), one rejected, the service one overdue."""
    received = f"{month}-15T10:00:00+08:00"
    product = {**product_complaint()["product"], "production_date": f"{month}-01"}
    ids = [await file(intake, product_complaint(received_at=received, product=product)) for _ in range(4)]
    await file(intake, service_complaint(received_at=received))
    for complaint_id, cause in zip(ids, ("密封圈老化", "装配不良", "密封圈老化"), strict=False):
        await replied(intake, complaint_id, cause)
    await step(intake, ids[3], "reject", {"reason": "非本公司产品"}, CLERK)


async def test_con_complaints_per_month_count_what_was_received_by_kind(intake: httpx.AsyncClient) -> None:
    month = quiet_month()
    await file_month(intake, month)
    (row,) = (await stats(intake, month, month))["months"]
    assert row["month"] == month
    assert row["received"] == 5
    assert row["by_kind"] == {"product_quality": 4, "service": 1}
    assert row["closed"] == 0


async def test_con_on_time_percent_counts_late_and_overdue_replies_not_rejected_ones(
    intake: httpx.AsyncClient,
) -> None:
    month = quiet_month()
    await file_month(intake, month)
    (row,) = (await stats(intake, month, month))["months"]
    assert row["on_time_percent"] == "0.0"


async def test_con_causes_are_a_pareto_most_frequent_first(intake: httpx.AsyncClient) -> None:
    month = quiet_month()
    await file_month(intake, month)
    causes = (await stats(intake, month, month))["causes"]
    assert causes == [{"cause": "密封圈老化", "count": 2}, {"cause": "装配不良", "count": 1}]


async def test_con_a_month_without_complaints_has_its_row(intake: httpx.AsyncClient) -> None:
    body = await stats(intake, "2001-01", "2001-03")
    assert [row["month"] for row in body["months"]] == ["2001-01", "2001-02", "2001-03"]
    assert body["months"][0] == {
        "month": "2001-01",
        "received": 0,
        "closed": 0,
        "on_time_percent": None,
        "by_kind": {"product_quality": 0, "service": 0},
    }


async def test_con_a_closed_complaint_counts_in_the_china_month_it_was_closed(intake: httpx.AsyncClient) -> None:
    this_month = clock.now().astimezone(CHINA).strftime("%Y-%m")
    before = (await stats(intake, this_month, this_month))["months"][0]["closed"]
    complaint_id = await file(intake, product_complaint(received_at=clock.now().isoformat()))
    await replied(intake, complaint_id, "包装破损")
    await step(intake, complaint_id, "return-visit", {"feedback": "满意", "satisfaction": 5}, CLERK)
    await step(intake, complaint_id, "close", None, CLERK)
    assert (await stats(intake, this_month, this_month))["months"][0]["closed"] == before + 1


async def test_con_stats_are_refused_to_a_clerk(intake: httpx.AsyncClient) -> None:
    response = await intake.get("/v1/stats/complaints", headers=CLERK)
    assert response.status_code == 403


async def test_con_a_range_ending_before_it_starts_is_refused(intake: httpx.AsyncClient) -> None:
    response = await intake.get("/v1/stats/complaints", params={"from": "2026-11", "to": "2026-10"}, headers=QUALITY)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_month_range"
