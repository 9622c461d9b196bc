"""Issue 3, complaints over HTTP: CMP-2 … CMP-8 with the real database, outbox and broker."""

import asyncio
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.events.crm import CustomerTierChangedV1
from shared.messaging.outbox import envelope_for
from shared.stack import Stack
from tests.integration.factories import product_complaint, service_complaint
from tests.support import auth, eventually, produce, service_db

pytestmark = pytest.mark.integration

QUALITY = auth("quality_manager", sub="Q-HEAD")


def clerk() -> tuple[str, dict[str, str]]:
    sub = f"CS-{uuid.uuid4().hex[:8]}"
    return sub, auth("customer_service", sub=sub)


async def outbox_events(stack: Stack, subject: str) -> list[str]:
    """The event types intake wrote for one subject, in order."""
    async with service_db(stack, "intake") as conn:
        rows = await conn.fetch(
            "SELECT event_type FROM intake.outbox WHERE payload->>'subject' = $1 ORDER BY id", subject
        )
    return [row["event_type"] for row in rows]


async def create(intake: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await intake.post("/v1/complaints", json=product_complaint(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_cmp4_full_lifecycle_is_kept_in_history_and_announced(stack: Stack, intake: httpx.AsyncClient) -> None:
    owner, headers = clerk()
    complaint = await create(intake, headers, received_at="2026-11-02T09:00:00+08:00")
    cid = complaint["id"]
    assert complaint["owner"] == owner
    assert complaint["allowed_actions"] == ["investigate", "reject", "handover", "escalate", "severity", "decision"]

    steps: list[tuple[str, dict[str, Any] | None, dict[str, str]]] = [
        ("investigate", None, headers),
        (
            "reply",
            {
                "cause": "密封圈老化",
                "resolution": "免费更换阀体",
                "improvement": "更换密封圈供应商",
                "signed_by": "Q-HEAD",
            },
            QUALITY,
        ),
        ("return-visit", {"feedback": "客户满意", "satisfaction": 5}, headers),
        ("close", {"summary": "已结案"}, headers),
    ]
    for action, body, who in steps:
        response = await intake.post(f"/v1/complaints/{cid}/{action}", json=body, headers=who)
        assert response.status_code == 200, response.text
    closed = response.json()
    assert closed["status"] == "closed"
    assert closed["reply"]["signed_by"] == "Q-HEAD"
    assert closed["return_visit"]["satisfaction"] == 5
    # Received weeks ago and worked only now: both steps came after their deadlines (CMP-3).
    assert (closed["investigation_on_time"], closed["reply_on_time"]) == (False, False)

    history = (await intake.get(f"/v1/complaints/{cid}/history", headers=headers)).json()["items"]
    assert [entry["action"] for entry in history] == ["received", "investigate", "reply", "return-visit", "close"]
    assert history[2]["actor"] == "Q-HEAD"
    assert history[4]["changes"]["status"] == ["visited", "closed"]
    events = await outbox_events(stack, cid)
    assert events == ["qms.intake.complaint.received.v1"] + ["qms.intake.complaint.status_changed.v1"] * 4


async def test_cmp4_skipping_a_step_is_a_409_naming_the_allowed_ones(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    complaint = await create(intake, headers)
    reply = {"cause": "c", "resolution": "r", "improvement": "i"}

    response = await intake.post(f"/v1/complaints/{complaint['id']}/reply", json=reply, headers=QUALITY)

    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "invalid_transition"
    assert problem["allowed"] == ["investigate", "reject", "handover", "escalate", "severity", "decision"]
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_cmp4_rejected_complaint_refuses_every_further_step(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    complaint = await create(intake, headers)
    cid = complaint["id"]
    rejected = await intake.post(f"/v1/complaints/{cid}/reject", json={"reason": "非本公司产品"}, headers=headers)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["rejection_reason"] == "非本公司产品"

    again = await intake.post(f"/v1/complaints/{cid}/investigate", headers=headers)

    assert again.status_code == 409
    assert again.json()["allowed"] == []


async def test_cmp4_reply_needs_the_quality_head(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    complaint = await create(intake, headers)
    await intake.post(f"/v1/complaints/{complaint['id']}/investigate", headers=headers)
    reply = {"cause": "c", "resolution": "r", "improvement": "i"}

    response = await intake.post(f"/v1/complaints/{complaint['id']}/reply", json=reply, headers=headers)

    assert response.status_code == 403


async def test_cmp7_only_the_owner_hands_over_and_the_handover_is_kept(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    colleague, colleague_headers = clerk()
    complaint = await create(intake, headers)
    cid = complaint["id"]

    grab = await intake.post(f"/v1/complaints/{cid}/handover", json={"to": colleague}, headers=colleague_headers)
    assert grab.status_code == 403
    assert grab.json()["code"] == "not_owner"

    handed = await intake.post(
        f"/v1/complaints/{cid}/handover", json={"to": colleague, "note": "属技术问题"}, headers=headers
    )
    assert handed.status_code == 200, handed.text
    assert handed.json()["owner"] == colleague
    assert handed.json()["status"] == "received"
    history = (await intake.get(f"/v1/complaints/{cid}/history", headers=headers)).json()["items"]
    assert history[-1]["action"] == "handover"
    assert history[-1]["changes"]["owner"] == [complaint["owner"], colleague]
    # The new owner works it now; the former owner no longer can.
    assert (await intake.post(f"/v1/complaints/{cid}/investigate", headers=headers)).status_code == 403
    assert (await intake.post(f"/v1/complaints/{cid}/investigate", headers=colleague_headers)).status_code == 200


async def test_cmp2_numbers_stay_unique_under_concurrent_filing(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    received = "2026-11-03T10:00:00+08:00"
    responses = await asyncio.gather(
        *(
            intake.post("/v1/complaints", json=product_complaint(received_at=received), headers=headers)
            for _ in range(8)
        )
    )
    numbers = [r.json()["complaint_no"] for r in responses]
    assert all(r.status_code == 201 for r in responses)
    assert len(set(numbers)) == 8
    assert all(re.fullmatch(r"TS-20261103-\d{4}", n) for n in numbers)


async def test_cmp2_list_filters_by_customer_and_status_with_cursor_pages(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    customer = f"C-{uuid.uuid4().hex[:8]}"
    created = [await create(intake, headers, customer_id=customer) for _ in range(3)]
    await intake.post(f"/v1/complaints/{created[0]['id']}/investigate", headers=headers)

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"customer_id": customer, "status": "received", "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = (await intake.get("/v1/complaints", params=params, headers=headers)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(c["id"] for c in created[1:])


async def test_cmp3_overdue_complaints_are_listed_and_counted_in_metrics(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    customer = f"C-{uuid.uuid4().hex[:8]}"
    late = await create(intake, headers, customer_id=customer, received_at="2026-11-02T09:00:00+08:00")
    assert late["overdue"] is True
    assert late["overdue_stages"] == ["investigate", "reply"]

    listed = (
        await intake.get("/v1/complaints", params={"customer_id": customer, "overdue": "true"}, headers=headers)
    ).json()["items"]
    metrics = (await intake.get("/metrics")).text

    assert [item["id"] for item in listed] == [late["id"]]
    gauge = re.search(r"^qms_complaints_overdue (\S+)$", metrics, re.MULTILINE)
    assert gauge is not None and float(gauge.group(1)) >= 1


async def test_cmp5_tier_event_from_crm_makes_the_next_complaint_serious(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    _, headers = clerk()
    customer = f"C-{uuid.uuid4().hex[:8]}"
    change = CustomerTierChangedV1(
        customer_id=customer,
        previous_tier="gold",
        tier="diamond",
        owner_level="province",
        reason="revenue",
        changed_at=datetime.now(UTC),
    )
    envelope = envelope_for(change).model_dump_json().encode()
    await produce(stack.kafka_bootstrap_servers or "", topics.CUSTOMERS, [(customer.encode(), envelope)])

    async def serious() -> dict[str, Any] | None:
        complaint = await create(intake, headers, customer_id=customer, severity="general")
        return complaint if complaint["severity"] == "serious" else None

    complaint = await eventually(serious, interval=0.5)
    assert complaint["escalated_to_decision_level"] is True
    assert complaint["severity_reason"] == "customer_tier:diamond"


async def test_cmp6_comparison_shows_same_batch_and_same_model_within_90_days(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    model = f"VX-{uuid.uuid4().hex[:6]}"

    def product(batch: str) -> dict[str, Any]:
        return {"model": model, "quantity": 2, "batch_no": batch, "production_date": "2026-06-01"}

    first = await create(intake, headers, product=product("B1"), received_at="2026-11-20T10:00:00+08:00")
    same_batch = await create(intake, headers, product=product("B1"), received_at="2026-10-01T10:00:00+08:00")
    other_batch = await create(intake, headers, product=product("B2"), received_at="2026-11-01T10:00:00+08:00")
    await create(intake, headers, product=product("B1"), received_at="2026-07-01T10:00:00+08:00")  # > 90 days

    comparison = (await intake.get(f"/v1/complaints/{first['id']}/comparison", headers=headers)).json()

    assert [c["id"] for c in comparison["same_batch"]] == [same_batch["id"]]
    assert comparison["same_batch_quantity"] == 2
    assert [c["id"] for c in comparison["same_model"]] == [other_batch["id"]]


async def test_idempotency_key_replays_the_complaint_and_emits_one_event(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    _, headers = clerk()
    keyed = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    body = product_complaint()

    first = await intake.post("/v1/complaints", json=body, headers=keyed)
    second = await intake.post("/v1/complaints", json=body, headers=keyed)
    different = await intake.post("/v1/complaints", json=product_complaint(), headers=keyed)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert different.status_code == 409
    assert await outbox_events(stack, first.json()["id"]) == ["qms.intake.complaint.received.v1"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "warranty"},
        {"channel": 7},
        {"severity": "catastrophic"},
        {"received_at": "2026-13-01T10:00:00+08:00"},
        {"received_at": "2099-01-01T10:00:00+08:00"},
        {"description": "漏" * 100_000},
        {"complainant": None},
        {"product": {"model": "VX-200", "quantity": -3}},
        {"product": {"model": "VX-200", "production_date": "2026-02-30"}},
        {"kind": "service", "product": None},
        {"extra_field": "x"},
    ],
)
async def test_cmp2_malformed_complaint_is_a_4xx_problem_and_writes_nothing(
    intake: httpx.AsyncClient, overrides: dict[str, Any]
) -> None:
    _, headers = clerk()
    customer = f"C-{uuid.uuid4().hex[:8]}"

    response = await intake.post(
        "/v1/complaints", json=product_complaint(customer_id=customer, **overrides), headers=headers
    )

    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    listed = (await intake.get("/v1/complaints", params={"customer_id": customer}, headers=headers)).json()
    assert listed["items"] == []


async def test_cmp2_non_json_complaint_is_a_400_problem(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    response = await intake.post(
        "/v1/complaints", content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_cmp1_service_complaint_is_filed_without_product(intake: httpx.AsyncClient) -> None:
    _, headers = clerk()
    response = await intake.post("/v1/complaints", json=service_complaint(), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["service_aspect"] == "attitude"
    assert response.json()["product"] is None


async def test_cmp3_calendar_year_is_loaded_by_the_quality_department_only(intake: httpx.AsyncClient) -> None:
    year = {"holidays": ["2031-01-01"], "makeup_workdays": ["2031-01-04"]}
    refused = await intake.put("/v1/calendar/2031", json=year, headers=auth("customer_service"))
    loaded = await intake.put("/v1/calendar/2031", json=year, headers=QUALITY)
    read = await intake.get("/v1/calendar/2031", headers=auth("customer_service"))

    assert refused.status_code == 403
    assert loaded.status_code == 200, loaded.text
    assert read.json()["source"] == "loaded"
    assert read.json()["makeup_workdays"] == ["2031-01-04"]


async def test_cmp5_quality_department_escalates_an_open_complaint_to_the_decision_level(
    intake: httpx.AsyncClient,
) -> None:
    _, headers = clerk()
    customer = f"C-{uuid.uuid4().hex[:8]}"
    complaint = await create(intake, headers, customer_id=customer)
    assert complaint["escalated_to_decision_level"] is False

    refused = await intake.post(
        f"/v1/complaints/{complaint['id']}/escalate", json={"reason": "批量漏水"}, headers=headers
    )
    escalated = await intake.post(
        f"/v1/complaints/{complaint['id']}/escalate", json={"reason": "批量漏水"}, headers=QUALITY
    )
    twice = await intake.post(f"/v1/complaints/{complaint['id']}/escalate", json={"reason": "再次"}, headers=QUALITY)

    assert refused.status_code == 403
    assert escalated.status_code == 200, escalated.text
    assert (escalated.json()["severity"], escalated.json()["escalated_to_decision_level"]) == ("serious", True)
    assert twice.status_code == 409
    queue = await intake.get("/v1/complaints", params={"customer_id": customer, "escalated": "true"}, headers=QUALITY)
    assert [item["id"] for item in queue.json()["items"]] == [complaint["id"]]


async def test_cmp3_recompute_gives_waiting_complaints_the_deadlines_of_the_loaded_calendar(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    _, headers = clerk()
    product = {"model": "VX-200", "quantity": 1, "batch_no": "B20260901", "production_date": "2026-09-01"}
    complaint = await create(intake, headers, product=product, received_at="2026-09-30T10:00:00+08:00")
    # As if it had been filed before the year's holidays were known: Monday–Friday, estimated.
    async with service_db(stack, "intake") as conn:
        await conn.execute(
            "UPDATE intake.complaints SET investigate_by = '2026-10-01T15:59:59Z', "
            "reply_by = '2026-10-02T15:59:59Z', calendar_estimated = true WHERE id = $1",
            uuid.UUID(complaint["id"]),
        )

    response = await intake.post("/v1/complaints/deadlines/recompute", headers=QUALITY)

    assert response.status_code == 200, response.text
    assert response.json()["recomputed"] >= 1
    fixed = (await intake.get(f"/v1/complaints/{complaint['id']}", headers=headers)).json()
    assert (fixed["investigate_by"][:10], fixed["reply_by"][:10]) == ("2026-10-08", "2026-10-09")
    assert fixed["calendar_estimated"] is False
    history = (await intake.get(f"/v1/complaints/{complaint['id']}/history", headers=headers)).json()["items"]
    assert history[-1]["action"] == "deadlines_recomputed"
