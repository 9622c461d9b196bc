"""Issue 3, ERP returns over HTTP: RET-1 and RET-2 with the real database, outbox and broker."""

import asyncio
import csv
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.intake.returns.csv_import import import_file
from services.intake.returns.schemas import ReturnLineIn
from shared.events import Envelope, parse_data
from shared.events.intake import ReturnRecordedV1
from shared.stack import Stack
from tests.integration.factories import return_line
from tests.support import auth, eventually, service_db, token

pytestmark = pytest.mark.integration

ERP = auth("erp", sub="svc-erp")


async def return_events(stack: Stack, model: str, published_only: bool = False) -> int:
    """``return.recorded`` rows intake wrote into its outbox for one model."""
    async with service_db(stack, "intake") as conn:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM intake.outbox WHERE event_type = 'qms.intake.return.recorded.v1' "
            "AND payload->'data'->>'model' = $1 "
            "AND ($2 = false OR id NOT IN (SELECT id FROM intake.outbox_unpublished))",
            model,
            published_only,
        )
    return count


def lines_of(model: str, ids: list[str]) -> list[dict[str, Any]]:
    return [return_line(line_id=line_id, model=model) for line_id in ids]


async def push(intake: httpx.AsyncClient, lines: list[Any], headers: dict[str, str] = ERP) -> httpx.Response:
    return await intake.post("/v1/returns/batches", json={"lines": lines}, headers=headers)


async def test_ret1_batch_keeps_good_lines_and_rejects_bad_ones_with_index(intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    good, bad = return_line(model=model), return_line(model=model, quantity=-4)

    response = await push(intake, [good, bad, return_line(model=model)])

    assert response.status_code == 200, response.text
    result = response.json()
    assert set(result) == {"accepted", "duplicates", "duplicate_line_ids", "rejected"}
    assert (result["accepted"], result["duplicates"]) == (2, 0)
    assert result["rejected"][0]["index"] == 1
    assert result["rejected"][0]["line_id"] == bad["line_id"]
    assert any("quantity" in error for error in result["rejected"][0]["errors"])
    stored = await intake.get(f"/v1/returns/lines/{good['line_id']}", headers=ERP)
    assert stored.json()["quantity"] == 10


async def test_ret2_line_pushed_again_is_a_duplicate_and_emits_nothing(stack: Stack, intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    lines = lines_of(model, [f"L-{uuid.uuid4()}" for _ in range(3)])
    await push(intake, lines)

    again = (await push(intake, [*lines, return_line(model=model)])).json()

    assert (again["accepted"], again["duplicates"]) == (1, 3)
    assert await return_events(stack, model) == 4


async def test_ret2_answer_names_the_duplicate_line_ids(intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    seen, repeated, fresh = (lines_of(model, [f"L-{uuid.uuid4()}"]) for _ in range(3))
    await push(intake, seen)

    again = (await push(intake, [*fresh, *seen, *repeated, *repeated])).json()

    assert (again["accepted"], again["duplicates"]) == (2, 2)
    assert again["duplicate_line_ids"] == [seen[0]["line_id"], repeated[0]["line_id"]]


async def test_ret1_recorded_event_is_the_event_class_keyed_by_model_and_production_date(
    stack: Stack, intake: httpx.AsyncClient
) -> None:
    model, correlation = f"RM-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    line = return_line(model=model, customer_id=None)

    await push(intake, [line], headers={**ERP, "X-Correlation-ID": correlation})

    async with service_db(stack, "intake") as conn:
        row = await conn.fetchrow(
            "SELECT topic, key, event_id, payload::text AS payload FROM intake.outbox "
            "WHERE payload->'data'->>'model' = $1",
            model,
        )
    envelope = Envelope.model_validate_json(row["payload"])
    expected = ReturnRecordedV1.model_validate(ReturnLineIn.model_validate(line).model_dump())
    assert envelope.model_fields_set == set(Envelope.model_fields)
    assert (envelope.id, envelope.type, envelope.source) == (row["event_id"], expected.TYPE, expected.SOURCE)
    assert (envelope.subject, envelope.correlationid) == (expected.subject(), correlation)
    assert parse_data(envelope) == expected
    assert (row["topic"], row["key"]) == (expected.TOPIC, f"{model}|2026-11-01") == (expected.TOPIC, expected.key())


async def test_ret2_concurrent_overlapping_pushes_count_each_line_once(stack: Stack, intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    ids = [f"OV-{uuid.uuid4()}" for _ in range(600)]
    # Four pushes over overlapping windows of the same 600 ids, in different orders.
    windows = [ids[0:300], list(reversed(ids[100:400])), ids[200:500], list(reversed(ids[300:600]))]

    responses = await asyncio.gather(*(push(intake, lines_of(model, window)) for window in windows))

    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    results = [r.json() for r in responses]
    assert sum(r["accepted"] for r in results) == 600
    assert sum(r["duplicates"] for r in results) == 1200 - 600
    assert await return_events(stack, model) == 600


async def test_ret1_ten_thousand_lines_are_accepted_and_published(stack: Stack, intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    lines = lines_of(model, [f"BIG-{uuid.uuid4()}" for _ in range(10_000)])

    response = await push(intake, lines)

    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 10_000, "duplicates": 0, "duplicate_line_ids": [], "rejected": []}

    async def all_published() -> bool:
        return await return_events(stack, model, published_only=True) == 10_000

    await eventually(all_published, timeout=120, interval=0.5)


async def test_ret1_more_than_ten_thousand_lines_is_refused_whole(intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    lines = lines_of(model, [f"TOO-{i}-{uuid.uuid4()}" for i in range(10_001)])

    response = await push(intake, lines)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert (await intake.get("/v1/returns", params={"model": model}, headers=ERP)).json()["items"] == []


async def test_ret1_body_beyond_the_size_limit_is_a_413(intake: httpx.AsyncClient) -> None:
    huge = json.dumps({"lines": [return_line(reason="x" * 2000)] * 9000}).encode()

    response = await intake.post(
        "/v1/returns/batches", content=huge, headers={**ERP, "Content-Type": "application/json"}
    )

    assert response.status_code == 413


@pytest.mark.parametrize(
    "body,status",
    [
        (b"not json at all", 400),
        (b'{"lines": [', 400),
        (b"[]", 422),
        (b"{}", 422),
        (b'{"lines": []}', 422),
        (b'{"lines": "ERP-1"}', 422),
        (b'{"lines": [{"line_id": "x"}], "extra": 1}', 422),
        (b"\xff\xfe", 400),
    ],
)
async def test_ret1_malformed_batch_is_a_problem_and_writes_nothing(
    intake: httpx.AsyncClient, body: bytes, status: int
) -> None:
    response = await intake.post(
        "/v1/returns/batches", content=body, headers={**ERP, "Content-Type": "application/json"}
    )

    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_ret2_every_bad_line_is_rejected_and_the_good_one_kept(intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    bad_lines: list[Any] = [
        return_line(model=model, quantity="ten"),
        return_line(model=model, quantity=0),
        return_line(model=model, production_date="2026-02-30"),
        return_line(model=model, production_date="2099-01-01"),
        return_line(model=None),
        return_line(model=model, batch_no="B" * 10_000),
        return_line(model=model, colour="red"),
        {"line_id": f"ERP-{uuid.uuid4()}"},
        "not a line",
    ]
    good = return_line(model=model)

    result = (await push(intake, [*bad_lines, good])).json()

    assert result["accepted"] == 1
    assert [r["index"] for r in result["rejected"]] == list(range(len(bad_lines)))
    stored = (await intake.get("/v1/returns", params={"model": model}, headers=ERP)).json()["items"]
    assert [line["line_id"] for line in stored] == [good["line_id"]]


async def test_ret2_idempotency_key_replays_the_answer(intake: httpx.AsyncClient) -> None:
    model = f"RM-{uuid.uuid4().hex[:8]}"
    keyed = {**ERP, "Idempotency-Key": str(uuid.uuid4())}
    lines = [return_line(model=model)]

    first = await push(intake, lines, keyed)
    second = await push(intake, lines, keyed)
    other = await push(intake, [return_line(model=model)], keyed)

    assert first.json() == second.json() == {"accepted": 1, "duplicates": 0, "duplicate_line_ids": [], "rejected": []}
    assert other.status_code == 409


async def test_ret1_only_the_erp_pushes_returns(intake: httpx.AsyncClient) -> None:
    response = await push(intake, [return_line()], auth("quality_manager"))
    assert response.status_code == 403


async def test_ret1_csv_import_posts_the_file_through_the_api(
    stack: Stack, intake: httpx.AsyncClient, tmp_path: Path
) -> None:
    model = f"CSV-{uuid.uuid4().hex[:8]}"
    rows = [return_line(model=model) for _ in range(5)]
    rows[2]["quantity"] = -1
    path = tmp_path / "returns.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    url = stack.services["intake"].url

    first = await asyncio.to_thread(import_file, path, url, token("erp"), 2)
    again = await asyncio.to_thread(import_file, path, url, token("erp"), 2)

    assert (first.accepted, first.duplicates) == (4, 0)
    assert [(r["row"], r["line_id"]) for r in first.rejected] == [(4, rows[2]["line_id"])]
    assert (again.accepted, again.duplicates) == (0, 4)


async def test_ret1_good_line_inside_a_malformed_batch_is_not_written(intake: httpx.AsyncClient) -> None:
    good = return_line()
    body = json.dumps({"lines": [good], "sent_by": "ERP"}).encode()

    response = await intake.post(
        "/v1/returns/batches", content=body, headers={**ERP, "Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert (await intake.get(f"/v1/returns/lines/{good['line_id']}", headers=ERP)).status_code == 404
