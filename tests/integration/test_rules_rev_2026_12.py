"""SPEC rev. 2026-12 on the running stack: CMP-5 severity and the decision level, the customer intake
does not know, the complaint's incident and its closing, CLS-1 rates set later, CLS-2 complaint counts."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.events.crm import CustomerTierChangedV1
from shared.events.intake import ComplaintProduct, ComplaintReceivedV1
from shared.messaging.outbox import envelope_for
from shared.stack import Stack
from tests.integration.classification_helpers import incident_of
from tests.integration.factories import incident_report, product_complaint, return_line
from tests.support import auth, eventually, produce, service_db, unique

pytestmark = pytest.mark.integration

QM = auth("quality_manager", sub="Q-HEAD")
EXECUTIVE = auth("executive", sub="E-00")
ERP = auth("erp", sub="ERP-SYSTEM", department="it")
INSPECTOR = auth("inspector", sub="E-17", department="machining")
DAY = "2026-11-01"


def clerk() -> dict[str, str]:
    return auth("customer_service", sub=f"CS-{uuid.uuid4().hex[:8]}")


async def file(intake: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await intake.post("/v1/complaints", json=product_complaint(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def step(
    intake: httpx.AsyncClient, complaint_id: str, action: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    return await intake.post(f"/v1/complaints/{complaint_id}/{action}", json=body, headers=headers)


async def history_actions(intake: httpx.AsyncClient, complaint_id: str) -> list[dict[str, Any]]:
    response = await intake.get(f"/v1/complaints/{complaint_id}/history", headers=QM)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def platinum_customer(stack: Stack, intake: httpx.AsyncClient) -> str:
    """A customer intake's copy knows as platinum (fed by crm's event, as in production)."""
    customer = f"C-{uuid.uuid4().hex[:8]}"
    change = CustomerTierChangedV1(
        customer_id=customer,
        previous_tier="gold",
        tier="platinum",
        owner_level="city",
        reason="revenue",
        changed_at=datetime.now(UTC),
    )
    envelope = envelope_for(change).model_dump_json().encode()
    await produce(stack.kafka_bootstrap_servers or "", topics.CUSTOMERS, [(customer.encode(), envelope)])

    async def known() -> bool:
        async with service_db(stack, "intake") as conn:
            return bool(await conn.fetchval("SELECT 1 FROM intake.customer_tiers WHERE customer_id = $1", customer))

    await eventually(known)
    return customer


async def test_cmp5_quality_manager_lowers_a_platinum_default_with_a_reason_kept_in_history(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    customer = await platinum_customer(stack, intake)
    complaint = await file(intake, clerk(), customer_id=customer)
    assert (complaint["severity"], complaint["escalated_to_decision_level"]) == ("serious", True)

    lowered = await step(intake, complaint["id"], "severity", {"severity": "general", "reason": "单件外观问题"}, QM)

    assert lowered.status_code == 200, lowered.text
    assert (lowered.json()["severity"], lowered.json()["escalated_to_decision_level"]) == ("general", False)
    entry = (await history_actions(intake, complaint["id"]))[-1]
    assert (entry["action"], entry["actor"]) == ("severity", "Q-HEAD")
    assert entry["changes"]["severity"] == ["serious", "general"]
    assert entry["changes"]["reason"] == "单件外观问题"
    clerk_tries = await step(intake, complaint["id"], "severity", {"severity": "serious", "reason": "x"}, clerk())
    assert clerk_tries.status_code == 403


async def test_cmp5_decision_level_records_recall_and_crisis_handling_with_who_and_when(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    complaint = await file(intake, clerk(), severity="serious")
    decision = {"recall": True, "crisis_handling": False, "reason": "同批次多起漏水"}

    by_quality = await step(intake, complaint["id"], "decision", decision, QM)
    decided = await step(intake, complaint["id"], "decision", decision, EXECUTIVE)
    again = await step(intake, complaint["id"], "decision", decision, EXECUTIVE)

    assert by_quality.status_code == 403
    assert decided.status_code == 200, decided.text
    recorded = decided.json()["decision"]
    assert (recorded["recall"], recorded["crisis_handling"], recorded["decided_by"]) == (True, False, "E-00")
    assert recorded["decided_at"].endswith("+08:00")
    assert again.status_code == 409
    assert (await history_actions(intake, complaint["id"]))[-1]["action"] == "decision"
    async with service_db(stack, "intake") as conn:
        row = await conn.fetchrow(
            "SELECT topic, key, payload->'data' AS data FROM intake.outbox WHERE event_type = $1 "
            "AND payload->>'subject' = $2",
            "qms.intake.complaint.decision_recorded.v1",
            complaint["id"],
        )
    assert (row["topic"], row["key"]) == (topics.COMPLAINTS, complaint["id"])
    assert '"recall": true' in row["data"]


async def test_cmp5_decision_on_a_general_complaint_is_a_409(intake: httpx.AsyncClient) -> None:
    complaint = await file(intake, clerk(), severity="general")

    refused = await step(
        intake, complaint["id"], "decision", {"recall": False, "crisis_handling": False, "reason": "x"}, EXECUTIVE
    )

    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "decision_refused"


async def test_cmp5_company_head_signs_the_reply_of_a_serious_complaint_not_of_a_general_one(
    intake: httpx.AsyncClient,
) -> None:
    reply = {"cause": "密封圈老化", "resolution": "更换", "improvement": "改进来料检验"}
    serious = await file(intake, clerk(), severity="serious")
    general = await file(intake, clerk(), severity="general")
    for complaint in (serious, general):
        assert (await step(intake, complaint["id"], "investigate", {}, QM)).status_code == 200

    signed = await step(intake, serious["id"], "reply", reply, EXECUTIVE)
    refused = await step(intake, general["id"], "reply", reply, EXECUTIVE)

    assert signed.status_code == 200, signed.text
    assert signed.json()["reply"]["signed_by"] == "E-00"
    assert refused.status_code == 403


async def test_complaint_of_a_customer_intake_does_not_know_is_accepted_and_says_so(intake: httpx.AsyncClient) -> None:
    customer = f"C-UNKNOWN-{uuid.uuid4().hex[:8]}"

    complaint = await file(intake, clerk(), customer_id=customer)

    assert (complaint["customer_known"], complaint["customer_tier"]) == (False, None)
    assert customer in complaint["warnings"][0]
    again = (await intake.get(f"/v1/complaints/{complaint['id']}", headers=QM)).json()
    assert again["customer_known"] is False


async def test_complaint_of_a_known_customer_carries_its_tier_and_no_warning(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    complaint = await file(intake, clerk(), customer_id=await platinum_customer(stack, intake))
    assert (complaint["customer_known"], complaint["customer_tier"], complaint["warnings"]) == (True, "platinum", [])


async def test_complaint_shows_the_incident_it_opened(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    complaint = await file(intake, clerk(), product={"model": unique("R"), "quantity": 1, "production_date": DAY})
    incident = await incident_of(classification, complaint["id"])

    async def shown() -> dict[str, Any] | None:
        found: dict[str, Any] | None = (await intake.get(f"/v1/complaints/{complaint['id']}", headers=QM)).json()[
            "incident"
        ]
        return found

    assert await eventually(shown) == {
        "id": incident["id"],
        "level": "general",
        "problem_level": None,
        "status": "open",
    }


async def close_complaint(intake: httpx.AsyncClient, complaint_id: str) -> None:
    reply = {"cause": "c", "resolution": "r", "improvement": "i"}
    for action, body in (
        ("investigate", {}),
        ("reply", reply),
        ("return-visit", {"feedback": "满意", "satisfaction": 5}),
        ("close", {}),
    ):
        response = await step(intake, complaint_id, action, body, QM)
        assert response.status_code == 200, response.text


async def test_closing_a_complaint_closes_its_general_incident_and_the_complaint_shows_it(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    complaint = await file(intake, clerk(), product={"model": unique("R"), "quantity": 1, "production_date": DAY})
    incident = await incident_of(classification, complaint["id"])

    await close_complaint(intake, complaint["id"])

    async def closed_on_both() -> bool:
        found = await incident_of(classification, complaint["id"])
        shown = (await intake.get(f"/v1/complaints/{complaint['id']}", headers=QM)).json()["incident"]
        return found["status"] == "closed" and shown is not None and shown["status"] == "closed"

    await eventually(closed_on_both)
    assert (await incident_of(classification, complaint["id"]))["id"] == incident["id"]


async def test_cls8_closing_a_complaint_leaves_an_important_incident_open_for_zeroing(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    complaint = await file(intake, clerk(), product={"model": unique("R"), "quantity": 1, "production_date": DAY})
    incident = await incident_of(classification, complaint["id"])
    judged = await classification.post(
        f"/v1/incidents/{incident['id']}/problem-level", json={"problem_level": "important"}, headers=QM
    )
    assert judged.status_code == 200, judged.text

    await close_complaint(intake, complaint["id"])

    async def noted() -> list[dict[str, Any]]:
        history = (await classification.get(f"/v1/incidents/{incident['id']}/history", headers=QM)).json()["items"]
        return [e for e in history if e["action"] == "complaint_closed"]

    [entry] = await eventually(noted)
    assert entry["detail"]["stays_open_for"] == "zeroing"
    assert (await incident_of(classification, complaint["id"]))["status"] == "open"


async def test_cls1_rate_set_later_reclassifies_a_rate_missing_scrap_report_to_batch(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("R")
    filed = await intake.post(
        "/v1/incident-reports", json=incident_report(model=model, quantity=120), headers=INSPECTOR
    )
    assert filed.status_code == 201, filed.text
    before = await incident_of(classification, filed.json()["id"])
    assert (before["level"], before["rate_missing"]) == ("general", True)

    rate = await classification.put(f"/v1/production-rates/{model}", json={"units_per_hour": 200}, headers=QM)

    assert rate.status_code == 200, rate.text
    assert rate.json()["reclassified"] == [before["id"]]
    after = (await classification.get(f"/v1/incidents/{before['id']}", headers=QM)).json()
    assert (after["level"], after["rate_missing"]) == ("batch", False)
    assert {"rule": "CLS-1", "fact": "scrap_quantity", "observed": 120, "threshold": 100} in after["reasons"]
    history = (await classification.get(f"/v1/incidents/{before['id']}/history", headers=QM)).json()["items"]
    entry = history[-1]
    assert (entry["action"], entry["detail"]["rule"], entry["detail"]["units_per_hour"]) == (
        "reclassified_by_rate",
        "CLS-1",
        "200.00",
    )
    assert (entry["detail"]["from"], entry["detail"]["to"]) == ("general", "batch")


async def model_date_total(classification: httpx.AsyncClient, model: str) -> int:
    response = await classification.get(f"/v1/returns/model-dates/{model}/{DAY}", headers=QM)
    assert response.status_code == 200, response.text
    return int(response.json()["quantity"])


async def total_reaches(classification: httpx.AsyncClient, model: str, expected: int) -> None:
    async def reached() -> bool:
        return await model_date_total(classification, model) == expected

    await eventually(reached, timeout=60)


async def batch_incidents(classification: httpx.AsyncClient, model: str) -> list[dict[str, Any]]:
    params = {"model": model, "production_date": DAY, "level": "batch"}
    response = await classification.get("/v1/incidents", params=params, headers=QM)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def push(intake: httpx.AsyncClient, lines: list[dict[str, Any]]) -> dict[str, Any]:
    response = await intake.post("/v1/returns/batches", json={"lines": lines}, headers=ERP)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_cls2_complaint_quantities_count_and_crossing_50_opens_the_one_batch_incident(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("R")
    product = {"model": model, "quantity": 20, "production_date": DAY}
    for _ in range(2):
        await file(intake, clerk(), product=product)
    await total_reaches(classification, model, 40)
    assert await batch_incidents(classification, model) == []

    await push(intake, [return_line(model=model, production_date=DAY, quantity=15)])
    await file(intake, clerk(), product=product)

    await total_reaches(classification, model, 75)
    [incident] = await eventually(lambda: batch_incidents(classification, model))
    assert incident["reasons"][0]["fact"] == "returns_same_model_date"
    assert incident["reasons"][0]["threshold"] == 50


async def test_cls2_returns_settling_a_complaint_count_only_what_exceeds_it_also_redelivered_and_concurrent(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("R")
    complaint = await file(intake, clerk(), product={"model": model, "quantity": 30, "production_date": DAY})
    await total_reaches(classification, model, 30)

    settling = [
        [return_line(model=model, production_date=DAY, quantity=5, complaint_id=complaint["id"])] for _ in range(4)
    ]
    results = await asyncio.gather(*(push(intake, lines) for lines in settling))
    assert sum(r["accepted"] for r in results) == 4
    await total_reaches(classification, model, 30)

    await push(intake, [return_line(model=model, production_date=DAY, quantity=15, complaint_id=complaint["id"])])
    await total_reaches(classification, model, 35)

    # The same complaint delivered again (under another event id) counts nothing again.
    again = ComplaintReceivedV1.model_validate(
        {
            **{k: v for k, v in complaint.items() if k in ComplaintReceivedV1.model_fields},
            "complaint_id": complaint["id"],
            "product": ComplaintProduct(model=model, quantity=30, production_date=DAY).model_dump(mode="json"),
            "recorded_by": complaint["recorded_by"],
        }
    )
    envelope = envelope_for(again)
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.COMPLAINTS,
        [(complaint["id"].encode(), envelope.model_dump_json().encode())],
    )

    async def applied() -> bool:
        async with service_db(stack, "classification") as conn:
            return bool(await conn.fetchval("SELECT 1 FROM classification.inbox WHERE event_id = $1", envelope.id))

    await eventually(applied)
    assert await model_date_total(classification, model) == 35


async def test_cls2_complaint_and_the_returns_settling_it_applied_at_once_count_the_pieces_once(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("R")
    complaint = await file(intake, clerk(), product={"model": model, "quantity": 30, "production_date": DAY})

    # Pushed before classification has the complaint: whichever consumer runs first, the sum is max(30, 35).
    pushes = [
        push(intake, [return_line(model=model, production_date=DAY, quantity=q, complaint_id=complaint["id"])])
        for q in (10, 10, 15)
    ]
    await asyncio.gather(*pushes)

    async def all_applied() -> dict[str, Any] | None:
        response = await classification.get(f"/v1/returns/model-dates/{model}/{DAY}", headers=QM)
        total: dict[str, Any] = response.json()
        return total if total["lines"] == 3 else None

    await incident_of(classification, complaint["id"])  # the complaint is counted with its incident
    assert (await eventually(all_applied, timeout=60))["quantity"] == 35


async def test_ret1_line_naming_a_complaint_intake_does_not_have_is_rejected(intake: httpx.AsyncClient) -> None:
    model = unique("R")
    good = return_line(model=model)
    bad = return_line(model=model, complaint_id=str(uuid.uuid4()))

    result = await push(intake, [good, bad])

    assert result["accepted"] == 1
    assert [(r["index"], r["line_id"]) for r in result["rejected"]] == [(1, bad["line_id"])]
    assert result["rejected"][0]["errors"] == [f"complaint_id: no product complaint {bad['complaint_id']}"]
