"""SAN-2, SAN-3, SAN-4 over HTTP against the running stack."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from shared.events import topics
from shared.stack import Stack
from tests.integration.sanctions_helpers import ADMIN, QM, employee, post, restore_spec_catalog, violation
from tests.support import auth, events_in, eventually, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


async def test_san2_spec_example_twelve_pieces_in_one_shift_is_200(sanctions: httpx.AsyncClient) -> None:
    body = violation("5.2.1.11", employee(), pieces=12, shift="2026-11-24-A")

    created = await post(sanctions, body)

    assert created["notice"] | {"id": None} == {
        **created["notice"],
        "id": None,
        "clause": "5.2.1.11",
        "kind": "penalty",
        "amount": "200.00",
        "dismissal": False,
        "status": "draft",
    }
    assert created["id"] and created["notice"]["id"]


async def test_san2_range_clause_is_issued_only_with_an_amount_inside_its_range(sanctions: httpx.AsyncClient) -> None:
    notice = (await post(sanctions, violation("5.2.1.13", employee())))["notice"]
    assert notice["amount"] == "50.00" and notice["amount_chosen"] is False

    without = await sanctions.post(f"/v1/notices/{notice['id']}/issue", json={}, headers=QM)
    outside = await sanctions.post(f"/v1/notices/{notice['id']}/issue", json={"amount": "1000.01"}, headers=QM)
    inside = await sanctions.post(f"/v1/notices/{notice['id']}/issue", json={"amount": 300}, headers=QM)

    assert (without.status_code, without.json()["code"]) == (422, "amount_required")
    assert (outside.status_code, outside.json()["code"]) == (422, "amount_out_of_range")
    assert inside.status_code == 200, inside.text
    assert (inside.json()["status"], inside.json()["amount"]) == ("issued", "300.00")


@pytest.mark.parametrize("clause", ["5.1.1.2", "5.2.1.3"])
async def test_san2_second_false_report_is_dismissal_without_a_fine(sanctions: httpx.AsyncClient, clause: str) -> None:
    person = employee()
    first = await post(sanctions, violation(clause, person, occurred_at="2026-10-01T09:00:00+08:00"))
    second = await post(sanctions, violation(clause, person))

    assert (first["notice"]["amount"], first["notice"]["dismissal"]) == ("200.00", False)
    assert (second["notice"]["amount"], second["notice"]["dismissal"]) == ("0.00", True)


async def test_san2_repeat_within_twelve_months_is_doubled(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    await post(sanctions, violation("5.2.3.1", person, occurred_at="2026-01-10T09:00:00+08:00"))

    repeat = await post(sanctions, violation("5.2.3.1", person))

    assert (repeat["notice"]["amount"], repeat["notice"]["aggravated"]) == ("100.00", True)


async def test_san3_most_severe_wins_when_it_arrives_last(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    mild = await post(sanctions, violation("5.2.1.10", person, act_id=act))
    severe = await post(sanctions, violation("5.1.3.1", person, act_id=act))

    statuses = {n["id"]: (n["status"], n["superseded_by"]) for n in severe["act"]["notices"]}
    assert severe["act"]["charged"] == severe["notice"]["id"]
    assert statuses[mild["notice"]["id"]] == ("superseded", severe["notice"]["id"])
    assert statuses[severe["notice"]["id"]] == ("draft", None)


async def test_san3_most_severe_wins_when_it_arrives_first(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    severe = await post(sanctions, violation("5.1.3.1", person, act_id=act))
    mild = await post(sanctions, violation("5.2.1.10", person, act_id=act))

    assert mild["notice"]["status"] == "superseded"
    assert mild["notice"]["superseded_by"] == severe["notice"]["id"]
    assert mild["act"]["charged"] == severe["notice"]["id"]


async def test_san3_concurrent_violations_of_one_act_charge_exactly_one(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    clauses = ["5.2.1.10", "5.1.3.1", "5.2.1.5", "5.2.1.1"]

    await asyncio.gather(*(post(sanctions, violation(c, person, act_id=act)) for c in clauses))

    listed = await sanctions.get("/v1/notices", params={"employee_id": person}, headers=QM)
    items = listed.json()["items"]
    charged = [n for n in items if n["status"] == "draft"]
    assert [n["clause"] for n in charged] == ["5.1.3.1"]
    assert {n["superseded_by"] for n in items if n["status"] == "superseded"} == {charged[0]["id"]}


async def test_san3_withdrawing_the_charged_notice_charges_the_next_most_severe(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    mild = await post(sanctions, violation("5.2.1.10", person, act_id=act))
    severe = await post(sanctions, violation("5.1.3.1", person, act_id=act))

    await sanctions.post(f"/v1/notices/{severe['notice']['id']}/withdraw", headers=QM)

    restored = (await sanctions.get(f"/v1/notices/{mild['notice']['id']}", headers=QM)).json()
    assert (restored["status"], restored["superseded_by"]) == ("draft", None)


async def test_san4_notice_steps_are_kept_with_who_and_when_and_issue_is_published(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    person = employee()
    notice = (await post(sanctions, violation("5.2.1.7", person)))["notice"]
    url = f"/v1/notices/{notice['id']}"

    issued = await sanctions.post(f"{url}/issue", headers=QM)
    stamped = await sanctions.post(f"{url}/stamp", json={"note": "原件已盖章"}, headers=ADMIN)
    worker = auth("production", sub=person)
    disputed = await sanctions.post(f"{url}/dispute", json={"reason": "首件已确认"}, headers=worker)
    decided = await sanctions.post(f"{url}/decide", json={"outcome": "amended", "amount": "20.00"}, headers=ADMIN)

    assert [r.status_code for r in (issued, stamped, disputed, decided)] == [200, 200, 200, 200]
    detail = (await sanctions.get(url, headers=worker)).json()
    assert (detail["status"], detail["amount"], detail["dispute_status"]) == ("stamped", "20.00", "amended")
    assert [(s["action"], s["actor"]) for s in detail["history"]] == [
        ("drafted", "QM-1"),
        ("issued", "QM-1"),
        ("stamped", "AD-1"),
        ("disputed", person),
        ("dispute_decided", "AD-1"),
    ]
    assert all(s["at"] for s in detail["history"])

    async def published() -> list[dict[str, Any]]:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.NOTICES)
        events = events_in(records)
        return [e for e in events if e.get("subject") == notice["id"]]

    events = await eventually(published)
    assert events[0]["type"] == "qms.sanctions.notice.issued.v1"
    assert (events[0]["data"]["amount"], events[0]["data"]["employee_id"]) == ("50.00", person)


async def test_san4_only_the_quality_manager_issues(sanctions: httpx.AsyncClient) -> None:
    notice = (await post(sanctions, violation("5.2.1.7", employee())))["notice"]

    for role in ("inspector", "admin_dept", "finance"):
        response = await sanctions.post(f"/v1/notices/{notice['id']}/issue", headers=auth(role))
        assert response.status_code == 403, role


async def test_san4_an_issued_notice_cannot_be_issued_again(sanctions: httpx.AsyncClient) -> None:
    notice = (await post(sanctions, violation("5.2.1.7", employee())))["notice"]
    await sanctions.post(f"/v1/notices/{notice['id']}/issue", headers=QM)

    again = await sanctions.post(f"/v1/notices/{notice['id']}/issue", headers=QM)

    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


async def test_san4_an_employee_sees_only_their_own_notices(sanctions: httpx.AsyncClient) -> None:
    mine, theirs = employee(), employee()
    own = (await post(sanctions, violation("5.2.1.7", mine)))["notice"]
    other = (await post(sanctions, violation("5.2.1.7", theirs)))["notice"]
    me = auth("inspector", sub=mine)

    listed = await sanctions.get("/v1/notices", headers=me)
    foreign_list = await sanctions.get("/v1/notices", params={"employee_id": theirs}, headers=me)
    foreign_one = await sanctions.get(f"/v1/notices/{other['id']}", headers=me)
    finance = await sanctions.get("/v1/notices", params={"employee_id": theirs}, headers=auth("finance"))

    assert [n["id"] for n in listed.json()["items"]] == [own["id"]]
    assert foreign_list.status_code == 403
    assert foreign_one.status_code == 404
    assert [n["id"] for n in finance.json()["items"]] == [other["id"]]


async def test_san4_notice_list_pages_with_a_cursor(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    for _ in range(3):
        await post(sanctions, violation("5.2.2.2", person))

    first = (await sanctions.get("/v1/notices", params={"employee_id": person, "limit": 2}, headers=QM)).json()
    rest = await sanctions.get(
        "/v1/notices", params={"employee_id": person, "limit": 2, "cursor": first["next_cursor"]}, headers=QM
    )

    assert len(first["items"]) == 2 and len(rest.json()["items"]) == 1
    assert rest.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"clause": "9.9.9.9"}, "unknown_clause"),
        ({"clause": "5.2.1.11", "pieces": None, "shift": "2026-11-24-A"}, "pieces_required"),
        ({"clause": "5.2.1.11", "pieces": 3, "shift": None}, "shift_required"),
        ({"clause": "5.2.1.7", "amount": "80.00"}, "amount_not_choosable"),
        ({"clause": "5.1.1.1", "amount": "500"}, "amount_out_of_range"),
        ({"clause": "5.2.1.7", "compensation": "10"}, "compensation_not_applicable"),
        ({"clause": "5.3.2.1", "variant": "author"}, "unknown_variant"),
        ({"surprise": 1}, "validation_failed"),
        ({"occurred_at": "9999-12-31T23:00:00-05:00"}, "validation_failed"),
        ({"note": "a\u0000b"}, "validation_failed"),
        ({"clause": "5.2.1.2", "pieces": 1_000_000, "aggravating": True}, "amount_too_large"),
        ({"clause": "5.2.1.7", "aggravating": True}, "not_aggravatable"),
        ({"clause": "5.2.1.10", "aggravating": True, "note": "情节严重"}, "not_aggravatable"),
        ({"clause": "5.2.1.9", "aggravating": True, "note": None}, "aggravation_reason_required"),
    ],
)
async def test_san2_bad_violations_are_422_problems(
    sanctions: httpx.AsyncClient, body: dict[str, Any], code: str
) -> None:
    response = await sanctions.post("/v1/violations", json=violation("5.2.1.7", employee()) | body, headers=QM)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


async def test_san4_roles_guard_violations(sanctions: httpx.AsyncClient) -> None:
    body = violation("5.2.1.7", employee())

    assert (await sanctions.post("/v1/violations", json=body)).status_code == 401
    assert (await sanctions.post("/v1/violations", json=body, headers=auth("finance"))).status_code == 403
    assert (await sanctions.post("/v1/violations", json=body, headers=auth("inspector"))).status_code == 201


async def test_san4_a_repeated_idempotency_key_records_the_violation_once(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    headers = {**QM, "Idempotency-Key": str(uuid.uuid4())}
    body = violation("5.2.1.7", person)

    first = await sanctions.post("/v1/violations", json=body, headers=headers)
    again = await sanctions.post("/v1/violations", json=body, headers=headers)
    other_body = await sanctions.post("/v1/violations", json=violation("5.2.1.8", person), headers=headers)

    assert (first.status_code, again.status_code, other_body.status_code) == (201, 201, 409)
    assert again.json() == first.json()
    listed = await sanctions.get("/v1/notices", params={"employee_id": person}, headers=QM)
    assert len(listed.json()["items"]) == 1


async def test_san4_a_cursor_this_api_did_not_return_is_a_400(sanctions: httpx.AsyncClient) -> None:
    response = await sanctions.get("/v1/notices", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=QM)

    assert (response.status_code, response.json()["code"]) == (400, "invalid_cursor")


async def test_san3_a_chosen_amount_cannot_make_the_charged_notice_less_severe_than_its_act(
    sanctions: httpx.AsyncClient,
) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    leadership = await post(sanctions, violation("5.2.1.13", person, act_id=act, amount="600"))
    purchasing = await post(sanctions, violation("5.1.3.1", person, act_id=act))
    assert purchasing["notice"]["superseded_by"] == leadership["notice"]["id"]

    lower = await sanctions.post(f"/v1/notices/{leadership['notice']['id']}/issue", json={"amount": 100}, headers=QM)

    assert (lower.status_code, lower.json()["code"]) == (409, "less_severe_than_act")
    kept = (await sanctions.get(f"/v1/notices/{leadership['notice']['id']}", headers=QM)).json()
    assert (kept["status"], kept["amount"]) == ("draft", "600.00")
    higher = await sanctions.post(f"/v1/notices/{leadership['notice']['id']}/issue", json={"amount": 550}, headers=QM)
    issued = (await sanctions.get(f"/v1/notices/{leadership['notice']['id']}", headers=QM)).json()
    assert higher.status_code == 200
    assert (issued["status"], issued["amount"]) == ("issued", "550.00")
