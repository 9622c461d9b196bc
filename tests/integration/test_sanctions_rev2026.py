"""SAN-2…SAN-6 as revised in 2026-12, over HTTP and the real broker."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from services.sanctions.summaries.rules import CHINA, next_month
from shared.events import topics
from shared.events.classification import IncidentClassifiedV1
from shared.messaging.outbox import envelope_for
from shared.migrations import upgrade
from shared.stack import Stack
from tests.integration.sanctions_helpers import ADMIN, QM, employee, open_months, post, restore_spec_catalog, violation
from tests.support import auth, events_in, eventually, produce, read_topic, scratch_database, service_connection

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", autouse=True)
async def spec_catalog(sanctions: httpx.AsyncClient) -> None:
    await restore_spec_catalog(sanctions)


async def step(
    sanctions: httpx.AsyncClient, notice_id: str, action: str, body: Any = None, headers: dict[str, str] = QM
) -> httpx.Response:
    return await sanctions.post(f"/v1/notices/{notice_id}/{action}", json=body, headers=headers)


async def notice(sanctions: httpx.AsyncClient, notice_id: str) -> dict[str, Any]:
    found: dict[str, Any] = (await sanctions.get(f"/v1/notices/{notice_id}", headers=QM)).json()
    return found


# SAN-2


async def test_san2_a_repeat_under_a_circumstance_clause_is_not_aggravated(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    await post(sanctions, violation("5.2.1.2", person, pieces=1, occurred_at="2026-10-01T09:00:00+08:00"))

    repeat = await post(sanctions, violation("5.2.1.2", person, pieces=1))

    assert (repeat["notice"]["amount"], repeat["notice"]["aggravated"]) == ("20.00", False)


async def test_san2_a_stated_circumstance_aggravates_by_the_factor(sanctions: httpx.AsyncClient) -> None:
    created = await post(sanctions, violation("5.2.1.9", employee(), aggravating=True, note="影响严重: 批量错放"))

    assert (created["notice"]["amount"], created["notice"]["aggravated"]) == ("100.00", True)


async def test_san2_a_withdrawn_earlier_notice_is_not_a_repeat(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    first = await post(sanctions, violation("5.2.1.3", person, occurred_at="2026-10-01T09:00:00+08:00"))
    assert (await step(sanctions, first["notice"]["id"], "withdraw")).status_code == 200

    second = await post(sanctions, violation("5.2.1.3", person))

    assert (second["notice"]["amount"], second["notice"]["dismissal"]) == ("200.00", False)


@pytest.mark.parametrize(
    ("clause", "as_repeat", "alone"),
    [
        ("5.2.1.3", ("0.00", True, False), ("200.00", False, False)),
        ("5.2.3.1", ("100.00", False, True), ("50.00", False, False)),
    ],
)
async def test_san2_a_draft_priced_as_a_repeat_is_priced_again_when_the_earlier_notice_is_withdrawn(
    sanctions: httpx.AsyncClient, clause: str, as_repeat: tuple[str, bool, bool], alone: tuple[str, bool, bool]
) -> None:
    person = employee()
    first = await post(sanctions, violation(clause, person, occurred_at="2026-10-01T09:00:00+08:00"))
    second = (await post(sanctions, violation(clause, person)))["notice"]
    assert (second["amount"], second["dismissal"], second["aggravated"]) == as_repeat

    assert (await step(sanctions, first["notice"]["id"], "withdraw")).status_code == 200

    repriced = await notice(sanctions, second["id"])
    assert (repriced["amount"], repriced["dismissal"], repriced["aggravated"]) == alone
    assert repriced["history"][-1]["action"] == "repriced"


# SAN-3


async def test_san3_a_range_clause_ranks_by_its_maximum_until_an_amount_is_chosen(
    sanctions: httpx.AsyncClient,
) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    purchasing = await post(sanctions, violation("5.1.3.1", person, act_id=act))
    leadership = await post(sanctions, violation("5.2.1.13", person, act_id=act))

    assert leadership["act"]["charged"] == leadership["notice"]["id"]
    assert (await notice(sanctions, purchasing["notice"]["id"]))["superseded_by"] == leadership["notice"]["id"]


@pytest.mark.parametrize("handed_out", ["issued", "stamped"])
async def test_san3_an_issued_or_stamped_notice_is_never_superseded_by_a_later_violation(
    sanctions: httpx.AsyncClient, handed_out: str
) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    first = (await post(sanctions, violation("5.2.1.7", person, act_id=act)))["notice"]
    assert (await step(sanctions, first["id"], "issue")).status_code == 200
    if handed_out == "stamped":
        assert (await step(sanctions, first["id"], "stamp", headers=ADMIN)).status_code == 200

    later = await post(sanctions, violation("5.1.3.1", person, act_id=act))

    assert later["act"]["charged"] == first["id"]
    assert (later["notice"]["status"], later["notice"]["superseded_by"]) == ("superseded", first["id"])
    assert (await notice(sanctions, first["id"]))["status"] == handed_out


async def test_san3_withdrawing_the_issued_notice_charges_the_later_violation(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    first = (await post(sanctions, violation("5.2.1.7", person, act_id=act)))["notice"]
    await step(sanctions, first["id"], "issue")
    later = (await post(sanctions, violation("5.1.3.1", person, act_id=act)))["notice"]

    assert (await step(sanctions, first["id"], "withdraw")).status_code == 200

    restored = await notice(sanctions, later["id"])
    assert (restored["status"], restored["superseded_by"]) == ("draft", None)


async def test_san3_the_201_of_a_violation_shows_only_the_notices_of_its_act(sanctions: httpx.AsyncClient) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    await post(sanctions, violation("5.2.1.8", person))
    await post(sanctions, violation("5.2.1.8", person, act_id=f"ACT-{uuid.uuid4()}"))
    await post(sanctions, violation("5.2.2.2", person, act_id=act))
    withdrawn = (await post(sanctions, violation("5.1.3.2", person, act_id=act)))["notice"]
    await step(sanctions, withdrawn["id"], "withdraw")
    mild = (await post(sanctions, violation("5.2.1.10", person, act_id=act)))["notice"]

    severe = await post(sanctions, violation("5.1.3.1", person, act_id=act))

    shown = {n["id"]: n["status"] for n in severe["act"]["notices"]}
    assert shown == {severe["notice"]["id"]: "draft", mild["id"]: "superseded"}


# SAN-4


async def test_san4_a_decided_dispute_cannot_be_reopened(sanctions: httpx.AsyncClient) -> None:
    person = employee()
    created = (await post(sanctions, violation("5.2.1.7", person)))["notice"]
    await step(sanctions, created["id"], "issue")
    worker = auth("production", sub=person)
    assert (
        await step(sanctions, created["id"], "dispute", {"reason": "首件已确认"}, headers=worker)
    ).status_code == 200
    decided = await step(sanctions, created["id"], "decide", {"outcome": "upheld"}, headers=ADMIN)
    assert decided.status_code == 200

    again = await step(sanctions, created["id"], "dispute", {"reason": "再议"}, headers=worker)
    redecided = await step(sanctions, created["id"], "decide", {"outcome": "withdrawn"}, headers=ADMIN)

    assert (again.status_code, again.json()["code"]) == (409, "dispute_decided")
    assert (redecided.status_code, redecided.json()["code"]) == (409, "dispute_decided")
    assert (await notice(sanctions, created["id"]))["dispute_status"] == "upheld"


async def test_san4_every_step_of_a_notice_is_published_keyed_by_the_notice(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    person, act = employee(), f"ACT-{uuid.uuid4()}"
    disputed = (await post(sanctions, violation("5.2.1.7", person)))["notice"]
    await step(sanctions, disputed["id"], "issue")
    await step(sanctions, disputed["id"], "stamp", headers=ADMIN)
    await step(sanctions, disputed["id"], "dispute", {"reason": "首件已确认"})
    await step(sanctions, disputed["id"], "decide", {"outcome": "amended", "amount": "20.00"}, headers=ADMIN)
    mild = (await post(sanctions, violation("5.2.1.10", person, act_id=act)))["notice"]
    severe = (await post(sanctions, violation("5.1.3.1", person, act_id=act)))["notice"]
    await step(sanctions, severe["id"], "withdraw")
    expected = {
        disputed["id"]: [
            "qms.sanctions.notice.issued.v1",
            "qms.sanctions.notice.stamped.v1",
            "qms.sanctions.notice.disputed.v1",
            "qms.sanctions.notice.dispute_decided.v1",
            "qms.sanctions.notice.amended.v1",
        ],
        mild["id"]: ["qms.sanctions.notice.superseded.v1", "qms.sanctions.notice.restored.v1"],
        severe["id"]: ["qms.sanctions.notice.withdrawn.v1"],
    }

    async def published() -> dict[str, list[str]] | None:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.NOTICES)
        seen: dict[str, list[str]] = {key: [] for key in expected}
        for record in records:
            # Each record read with its own value: a poisoned record in between must not shift the pairs.
            for event in events_in([record]):
                if event.get("subject") in seen:
                    assert record.key == event["subject"].encode()
                    seen[event["subject"]].append(event["type"])
        return seen if seen == expected else None

    assert await eventually(published) == expected


# SAN-5


async def test_san5_the_running_month_is_refused_naming_the_first_day_it_can_be_closed(
    sanctions: httpx.AsyncClient,
) -> None:
    month = datetime.now(CHINA).strftime("%Y-%m")
    following = next_month(month)

    refused = await sanctions.post(f"/v1/summaries/{month}/close", headers=ADMIN)
    unexplained = await sanctions.post(f"/v1/summaries/{month}/close", json={"force": True}, headers=ADMIN)

    assert (refused.status_code, refused.json()["code"]) == (409, "month_not_ended")
    assert refused.json()["closable_from"] == date(int(following[:4]), int(following[5:]), 1).isoformat()
    assert unexplained.status_code == 422
    assert (await sanctions.get(f"/v1/summaries/{month}", headers=ADMIN)).json()["status"] == "open"


async def test_san5_the_reason_of_a_forced_close_is_kept_on_the_summary_and_its_event(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    month, _ = await open_months(sanctions)
    reason = "年底提前结算: 财务要求"

    closed = await sanctions.post(f"/v1/summaries/{month}/close", json={"force": True, "reason": reason}, headers=ADMIN)

    assert closed.status_code == 200, closed.text
    assert (await sanctions.get(f"/v1/summaries/{month}", headers=ADMIN)).json()["force_reason"] == reason

    async def published() -> dict[str, Any] | None:
        records = await read_topic(stack.kafka_bootstrap_servers or "", topics.NOTICES)
        found = [e for e in events_in(records) if e.get("type") == "qms.sanctions.summary.closed.v1"]
        return next((e for e in found if e["subject"] == month), None)

    assert (await eventually(published))["data"]["force_reason"] == reason


# SAN-6


async def test_san6_an_incident_without_a_named_head_drafts_for_the_department_to_be_named_before_issue(
    stack: Stack, sanctions: httpx.AsyncClient
) -> None:
    incident = str(uuid.uuid4())
    event = IncidentClassifiedV1(
        incident_id=incident,
        level="major",
        status="open",
        rule_version=1,
        responsible_department="machining",
        responsible_head=None,
        classified_at=datetime.now(UTC),
    )
    await produce(
        stack.kafka_bootstrap_servers or "",
        topics.INCIDENTS,
        [(incident.encode(), envelope_for(event).model_dump_json().encode())],
    )

    async def drafted() -> list[dict[str, Any]]:
        response = await sanctions.get("/v1/notices", params={"incident_id": incident}, headers=QM)
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    (draft,) = await eventually(drafted)
    assert (draft["clause"], draft["status"]) == ("5.2.1.13", "draft")
    assert draft["employee"] == {"id": None, "name": None, "department": "machining"}

    unnamed = await step(sanctions, draft["id"], "issue", {"amount": 300})
    head = employee()
    named = await step(sanctions, draft["id"], "employee", {"employee": {"id": head, "name": "陈刚"}})
    issued = await step(sanctions, draft["id"], "issue", {"amount": 300})

    assert (unnamed.status_code, unnamed.json()["code"]) == (409, "employee_missing")
    assert named.status_code == 200, named.text
    assert named.json()["notice"]["employee"] == {"id": head, "name": "陈刚", "department": "machining"}
    assert (issued.status_code, issued.json()["status"], issued.json()["amount"]) == (200, "issued", "300.00")


# SAN-2: the catalog a database already holds


@pytest.fixture
async def sanctions_scratch_url(stack: Stack) -> AsyncIterator[str]:
    async with scratch_database(stack, "sanctions") as url:
        yield url


async def aggravation_marks(conn: asyncpg.Connection, version: int) -> dict[str, tuple[bool, bool]]:
    """Each clause's default case: (aggravated_on_repeat, aggravated_by_circumstance)."""
    rows = await conn.fetch("SELECT code, variants FROM sanctions.clauses WHERE version = $1", version)
    marks = {}
    for row in rows:
        rule = next(iter(json.loads(row["variants"]).values()))
        marks[row["code"]] = (bool(rule.get("aggravated_on_repeat")), bool(rule.get("aggravated_by_circumstance")))
    return marks


async def test_san2_a_catalog_stored_before_the_revision_gets_a_corrected_version(
    stack: Stack, sanctions_scratch_url: str
) -> None:
    await asyncio.to_thread(upgrade, "sanctions", sanctions_scratch_url, stack.db_password, "20261125_0003")
    async with service_connection(sanctions_scratch_url, "sanctions", stack.db_password) as conn:
        # As the catalog was stored before 2026-12: every "加重处罚" clause aggravated on a repeat.
        for code in ("5.1.5.1", "5.2.1.2", "5.2.1.9"):
            await conn.execute(
                "UPDATE sanctions.clauses SET variants = jsonb_set(variants, '{standard}', "
                "((variants->'standard') - 'aggravated_by_circumstance') || '{\"aggravated_on_repeat\": true}') "
                "WHERE version = 1 AND code = $1",
                code,
            )

    await asyncio.to_thread(upgrade, "sanctions", sanctions_scratch_url, stack.db_password)

    async with service_connection(sanctions_scratch_url, "sanctions", stack.db_password) as conn:
        versions = [row["version"] for row in await conn.fetch("SELECT version FROM sanctions.catalog_versions")]
        corrected = await aggravation_marks(conn, 2)
    assert sorted(versions) == [1, 2]
    assert {code: corrected[code] for code in ("5.2.1.10", "5.2.3.1", "5.1.5.1", "5.2.1.2", "5.2.1.9")} == {
        "5.2.1.10": (True, False),
        "5.2.3.1": (True, False),
        "5.1.5.1": (False, True),
        "5.2.1.2": (False, True),
        "5.2.1.9": (False, True),
    }


async def test_san2_a_catalog_already_right_gets_no_new_version(stack: Stack, sanctions_scratch_url: str) -> None:
    await asyncio.to_thread(upgrade, "sanctions", sanctions_scratch_url, stack.db_password)

    async with service_connection(sanctions_scratch_url, "sanctions", stack.db_password) as conn:
        versions = [row["version"] for row in await conn.fetch("SELECT version FROM sanctions.catalog_versions")]
    assert versions == [1]
