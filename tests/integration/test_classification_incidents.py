"""CLS-1, CLS-3…CLS-8 through intake's shop-floor reports and classification's own API."""

from typing import Any

import httpx
import pytest

from services.classification.zeroing.rules import EMERGENCY_STEPS, FOUR_NOT_LET_GO, MANAGEMENT, TECHNICAL
from shared.events import topics
from shared.stack import Stack
from tests.integration.classification_helpers import INSPECTOR, QM, file_report, incident_of, set_rate
from tests.integration.factories import incident_report, product_complaint, supplier_material_report
from tests.support import auth, events_in, eventually, read_topic, unique

pytestmark = pytest.mark.integration


async def events_about(stack: Stack, topic: str, subject: str) -> list[dict[str, Any]]:
    records = await read_topic(stack.kafka_bootstrap_servers or "", topic)
    return [e for e in events_in(records) if e.get("subject") == subject]


@pytest.mark.parametrize(("quantity", "level"), [(99, "general"), (100, "batch")])
async def test_cls1_scrap_against_half_an_hour_of_output(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient, quantity: int, level: str
) -> None:
    model = unique("M")
    await set_rate(classification, model, 200)
    report_id = await file_report(intake, incident_report(model=model, quantity=quantity, loss_amount="100.00"))

    incident = await incident_of(classification, report_id)

    assert (incident["level"], incident["rate_missing"], incident["source_ids"]) == (level, False, [report_id])
    if level == "batch":
        assert incident["reasons"] == [{"rule": "CLS-1", "fact": "scrap_quantity", "observed": 100, "threshold": 100}]


async def test_cls1_a_production_line_with_its_own_rate_is_measured_by_it(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("M")
    await set_rate(classification, model, 200)
    slow_line = {"units_per_hour": 50, "production_line": "L2"}
    assert (await classification.put(f"/v1/production-rates/{model}", json=slow_line, headers=QM)).status_code == 200

    on_l2 = await incident_of(
        classification, await file_report(intake, incident_report(model=model, quantity=25, production_line="L2"))
    )
    on_l1 = await incident_of(
        classification, await file_report(intake, incident_report(model=model, quantity=25, production_line="L1"))
    )

    assert (on_l2["level"], on_l1["level"]) == ("batch", "general")
    rates = (await classification.get(f"/v1/production-rates/{model}", headers=INSPECTOR)).json()["items"]
    assert {(r["production_line"], r["units_per_hour"]) for r in rates} == {(None, 200), ("L2", 50)}


async def test_cls1_rework_of_a_model_without_rate_is_flagged_rate_missing(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    report_id = await file_report(intake, incident_report(kind="rework", model=unique("M"), quantity=5000))

    incident = await incident_of(classification, report_id)

    assert (incident["level"], incident["rate_missing"]) == ("general", True)


async def test_cls1_loss_of_20000_is_major_and_the_event_names_the_responsible_department(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    body = incident_report(model=unique("M"), loss_amount="20000.00", cause_category="machine")
    report_id = await file_report(intake, body)

    incident = await incident_of(classification, report_id)

    assert incident["level"] == "major"
    assert incident["responsible_department"] == "production_engineering"
    events = await eventually(lambda: events_about(stack, topics.INCIDENTS, incident["id"]))
    data = events[0]["data"]
    assert events[0]["type"] == "qms.classification.incident.classified.v1"
    assert (data["level"], data["responsible_department"], data["source_ids"]) == (
        "major",
        "production_engineering",
        [report_id],
    )


async def test_cls3_put_rules_creates_a_new_version_and_incidents_keep_theirs(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    before = (await classification.get("/v1/rules", headers=QM)).json()
    try:
        created = await classification.put("/v1/rules", json={"name": "construction"}, headers=QM)
        assert created.status_code == 201, created.text
        construction = created.json()
        assert construction["version"] > before["version"]
        assert construction["thresholds"]["major_loss_amount"] == "100000.00"
        repeated = await classification.put("/v1/rules", json={"name": "construction"}, headers=QM)
        assert (repeated.status_code, repeated.json()["version"]) == (200, construction["version"])

        report_id = await file_report(intake, incident_report(model=unique("M"), loss_amount="50000.00"))
        incident = await incident_of(classification, report_id)
        assert (incident["level"], incident["rule_version"]) == ("general", construction["version"])
    finally:
        restored = await classification.put("/v1/rules", json={"name": "manufacturing"}, headers=QM)
        assert restored.status_code == 201, restored.text

    old = await classification.get(f"/v1/rules/versions/{before['version']}", headers=QM)
    assert old.json()["thresholds"] == before["thresholds"]


async def test_cls3_only_the_quality_manager_changes_rules_and_rates(classification: httpx.AsyncClient) -> None:
    rules = await classification.put("/v1/rules", json={"name": "construction"}, headers=INSPECTOR)
    rate = await classification.put("/v1/production-rates/VX-200", json={"units_per_hour": 1}, headers=INSPECTOR)
    assert (rules.status_code, rate.status_code) == (403, 403)
    assert (await classification.get("/v1/rules", headers=INSPECTOR)).status_code == 200


async def test_cls3_manual_reclassification_keeps_its_reason_in_the_history(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident = await incident_of(classification, await file_report(intake, incident_report(model=unique("M"))))

    response = await classification.post(
        f"/v1/incidents/{incident['id']}/reclassify", json={"level": "major", "reason": "客户停线"}, headers=QM
    )

    assert response.status_code == 200, response.text
    assert (response.json()["level"], response.json()["level_set_manually"]) == ("major", True)
    history = (await classification.get(f"/v1/incidents/{incident['id']}/history", headers=QM)).json()["items"]
    assert history[-1]["action"] == "reclassified"
    assert history[-1]["actor"] == "E-QM"
    assert history[-1]["detail"] == {"from": incident["level"], "to": "major", "reason": "客户停线"}

    async def escalated() -> list[dict[str, Any]]:
        found = await events_about(stack, topics.INCIDENTS, incident["id"])
        return [e for e in found if e["type"] == "qms.classification.incident.escalated.v1"]

    event = (await eventually(escalated))[0]["data"]
    assert (event["previous_level"], event["level"]) == (incident["level"], "major")


async def test_cls3_reclassification_without_reason_is_refused(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident = await incident_of(classification, await file_report(intake, incident_report(model=unique("M"))))
    response = await classification.post(
        f"/v1/incidents/{incident['id']}/reclassify", json={"level": "major"}, headers=QM
    )
    assert response.status_code == 422


async def test_cls5_cause_routes_to_the_department_of_the_configurable_table(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    table = (await classification.get("/v1/cause-routing", headers=QM)).json()["routes"]
    changed = [
        {"cause_category": r["cause_category"], "department": r["department"]}
        if r["cause_category"] != "method"
        else {"cause_category": "method", "department": "process_engineering", "head_id": "E-900"}
        for r in table
    ]
    put = await classification.put("/v1/cause-routing", json={"routes": changed}, headers=QM)
    assert put.status_code == 200, put.text
    incident = await incident_of(classification, await file_report(intake, incident_report(model=unique("M"))))

    response = await classification.post(
        f"/v1/incidents/{incident['id']}/cause", json={"cause_category": "method"}, headers=QM
    )

    assert response.status_code == 200, response.text
    assert (response.json()["responsible_department"], response.json()["responsible_head"]) == (
        "process_engineering",
        "E-900",
    )


async def test_cls8_closing_a_batch_incident_early_lists_exactly_what_is_missing(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("M")
    await set_rate(classification, model, 100)
    incident = await incident_of(classification, await file_report(intake, incident_report(model=model, quantity=80)))
    assert incident["level"] == "batch"
    url = f"/v1/incidents/{incident['id']}"
    for item in [*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO]:
        if item != "people_educated":
            recorded = await classification.put(f"{url}/zeroing/{item}", json={"evidence": f"报告 {item}"}, headers=QM)
            assert recorded.status_code == 200, recorded.text

    refused = await classification.post(f"{url}/close", json={"summary": "归零"}, headers=QM)

    assert refused.status_code == 409
    assert refused.json()["code"] == "closure_incomplete"
    assert refused.json()["missing"] == {"four_not_let_go": ["people_educated"]}

    await classification.put(f"{url}/zeroing/people_educated", json={"evidence": "培训记录"}, headers=QM)
    closed = await classification.post(f"{url}/close", json={"summary": "归零完成"}, headers=QM)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_by"]) == ("closed", "E-QM")

    async def closed_event() -> list[dict[str, Any]]:
        found = await events_about(stack, topics.INCIDENTS, incident["id"])
        return [e for e in found if e["type"] == "qms.classification.incident.closed.v1"]

    assert (await eventually(closed_event))[0]["data"]["closed_by"] == "E-QM"
    again = await classification.post(f"{url}/reclassify", json={"level": "general", "reason": "x"}, headers=QM)
    assert again.status_code == 409


async def test_cls7_emergency_plan_runs_its_steps_in_order_with_who_and_when(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident = await incident_of(classification, await file_report(intake, incident_report(model=unique("M"))))
    url = f"/v1/incidents/{incident['id']}/emergency"
    not_enough = {"triggers": [{"trigger": "assembly_failures", "pieces": 4}]}
    assert (await classification.post(url, json=not_enough, headers=QM)).status_code == 422

    flagged = await classification.post(
        url, json={"triggers": [{"trigger": "assembly_failures", "pieces": 6}]}, headers=QM
    )
    assert flagged.status_code == 200, flagged.text
    assert flagged.json()["next_step"] == "report_to_leadership"
    early = await classification.post(f"{url}/steps/meeting", json={"note": "会议"}, headers=QM)
    assert (early.status_code, early.json()["next_step"]) == (409, "report_to_leadership")

    for step in EMERGENCY_STEPS[:3]:
        done = await classification.post(f"{url}/steps/{step}", json={"note": f"{step} 完成"}, headers=QM)
        assert done.status_code == 200, done.text
    plan = (await classification.get(url, headers=INSPECTOR)).json()
    assert [(s["step"], s["done"], s["done_by"]) for s in plan["steps"][:4]] == [
        ("report_to_leadership", True, "E-QM"),
        ("meeting", True, "E-QM"),
        ("rectification_notice", True, "E-QM"),
        ("approved_measures", False, None),
    ]
    refused = await classification.post(f"/v1/incidents/{incident['id']}/close", json={"summary": "x"}, headers=QM)
    assert refused.json()["missing"] == {"emergency_steps": list(EMERGENCY_STEPS[3:])}


async def test_cls7_trigger_below_its_threshold_beside_one_that_holds_is_a_422_naming_the_threshold(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    incident = await incident_of(classification, await file_report(intake, incident_report(model=unique("M"))))
    url = f"/v1/incidents/{incident['id']}/emergency"
    claimed = {"triggers": [{"trigger": "customer_punitive_measures"}, {"trigger": "assembly_failures", "pieces": 3}]}

    refused = await classification.post(url, json=claimed, headers=QM)

    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["threshold"]) == ("trigger_below_threshold", 5)
    assert refused.json()["unmet"] == [{"trigger": "assembly_failures", "pieces": 3, "threshold": 5}]
    assert (await classification.get(url, headers=QM)).json()["emergency"] is False


async def test_cls6_concession_hours_deduct_20_cny_per_hour_from_the_supplier(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    report_id = await file_report(intake, supplier_material_report(model=unique("M")))
    incident = await incident_of(classification, report_id)
    url = f"/v1/incidents/{incident['id']}/supplier-issue"
    hours = {"hours": "2.5", "occurred_at": "2026-11-24T15:00:00+08:00"}
    assert (await classification.post(f"{url}/deductions", json=hours, headers=QM)).status_code == 409

    decided = await classification.post(
        f"{url}/disposition", json={"disposition": "concession", "concession_kind": "sort"}, headers=QM
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["supplier"], decided.json()["defect_class"]) == ("SUP-88", "B")
    charged = await classification.post(f"{url}/deductions", json=hours, headers=QM)

    assert charged.status_code == 201, charged.text
    assert (charged.json()["amount"], charged.json()["rate_per_hour"]) == ("50.00", "20.00")
    events = await eventually(lambda: events_about(stack, topics.SUPPLIER_DEDUCTIONS, charged.json()["id"]))
    data = events[0]["data"]
    assert (data["supplier"], data["concession_kind"], data["amount"]) == ("SUP-88", "sort", "50.00")


async def test_incident_search_pages_with_a_cursor(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = unique("M")
    ids = {
        (await incident_of(classification, await file_report(intake, incident_report(model=model))))["id"]
        for _ in range(3)
    }

    seen: list[str] = []
    cursor = None
    while True:
        params = {"model": model, "status": "open", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await classification.get("/v1/incidents", params=params, headers=QM)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(ids)


async def test_rejected_complaint_closes_its_general_incident(
    intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    filed = await intake.post("/v1/complaints", json=product_complaint(), headers=auth("customer_service"))
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["id"]
    incident = await incident_of(classification, complaint_id)
    assert incident["status"] == "open"

    rejected = await intake.post(
        f"/v1/complaints/{complaint_id}/reject", json={"reason": "用户安装错误"}, headers=auth("customer_service")
    )
    assert rejected.status_code == 200, rejected.text

    async def closed() -> dict[str, Any] | None:
        found = await incident_of(classification, complaint_id)
        return found if found["status"] == "closed" else None

    assert "用户安装错误" in (await eventually(closed))["closing_summary"]
