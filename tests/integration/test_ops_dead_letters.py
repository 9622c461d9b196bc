"""Dead letters over HTTP (SPEC §1, §9; role ops): listed per service for the topics its consumer
reads, replayed one by one or all of a topic, and applied once the fault is fixed."""

import uuid

import httpx
import pytest

from shared.events import topics
from shared.stack import Stack
from tests.integration.delivery_helpers import (
    DEAD_LETTERS_URL as URL,
)
from tests.integration.delivery_helpers import (
    OPS,
    batch_incidents,
    every_letter,
    letters_refusing,
    return_lines_refused_for,
)
from tests.integration.factories import return_line
from tests.support import auth, eventually

pytestmark = pytest.mark.integration


async def test_spec9_a_letter_listed_over_http_and_replayed_after_the_fix_is_applied(
    stack: Stack, intake: httpx.AsyncClient, classification: httpx.AsyncClient
) -> None:
    model = f"OPS-{uuid.uuid4().hex[:8]}"
    async with return_lines_refused_for(stack, model):
        pushed = await intake.post(
            "/v1/returns/batches", json={"lines": [return_line(model=model, quantity=60)]}, headers=auth("erp")
        )
        assert pushed.status_code == 200, pushed.text
        letters = await eventually(lambda: letters_refusing(classification, model), timeout=60, interval=0.5)

    letter = letters[0]
    assert (letter["topic"], letter["consumer"], letter["reason"]) == (
        topics.RETURNS,
        "classification",
        "handler_failed",
    )
    assert letter["event_type"] == "qms.intake.return.recorded.v1"
    assert letter["dead_lettered_at"].endswith("+08:00")
    replay = {"topic": topics.RETURNS, "partition": letter["partition"], "offset": letter["offset"]}
    replayed = await classification.post(f"{URL}/replay", json=replay, headers=OPS)
    assert replayed.status_code == 200, replayed.text
    assert replayed.json() == {"topic": topics.RETURNS, "replayed": 1}

    incidents = await eventually(lambda: batch_incidents(classification, model), timeout=60)
    assert incidents[0]["reasons"][0]["observed"] == 60  # type: ignore[index]


async def test_spec9_pages_of_one_letter_list_each_letter_once(classification: httpx.AsyncClient) -> None:
    everything = await every_letter(classification, topics.COMPLAINTS)
    one_by_one = await every_letter(classification, topics.COMPLAINTS, limit=1)
    where = [(letter["partition"], letter["offset"]) for letter in one_by_one]
    assert len(where) == len(set(where))
    assert set(where) >= {(letter["partition"], letter["offset"]) for letter in everything}


async def test_spec9_dead_letters_need_the_ops_role(classification: httpx.AsyncClient) -> None:
    listed = await classification.get(URL, headers=auth("quality_manager"))
    replayed = await classification.post(
        f"{URL}/replay", json={"topic": topics.RETURNS}, headers=auth("quality_manager")
    )
    assert (listed.status_code, replayed.status_code) == (403, 403)


async def test_spec9_a_service_lists_only_the_topics_its_consumer_reads(sanctions: httpx.AsyncClient) -> None:
    response = await sanctions.get(URL, params={"topic": topics.RETURNS}, headers=OPS)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "unknown_topic"


async def test_spec9_replaying_one_letter_needs_both_partition_and_offset(classification: httpx.AsyncClient) -> None:
    response = await classification.post(f"{URL}/replay", json={"topic": topics.RETURNS, "partition": 0}, headers=OPS)
    assert response.status_code == 422


async def test_spec9_replaying_a_letter_that_is_not_there_is_404(classification: httpx.AsyncClient) -> None:
    body = {"topic": topics.RETURNS, "partition": 0, "offset": 10**12}
    response = await classification.post(f"{URL}/replay", json=body, headers=OPS)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


async def test_spec9_an_unknown_field_in_a_replay_is_refused(classification: httpx.AsyncClient) -> None:
    body = {"topic": topics.RETURNS, "everything": True}
    response = await classification.post(f"{URL}/replay", json=body, headers=OPS)
    assert response.status_code == 422


async def test_spec9_a_cursor_this_api_did_not_return_is_refused(classification: httpx.AsyncClient) -> None:
    response = await classification.get(URL, params={"cursor": "not-a-cursor"}, headers=OPS)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
