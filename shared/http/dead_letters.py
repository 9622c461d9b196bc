"""Dead letters over HTTP for operations (role ``ops``): list those of the topics the service's consumer
reads, and replay one or all of a topic (SPEC §1, §9; the same replay as ``replay-dlq``). HTTP only:
reading and re-publishing are ``shared.replay``'s."""

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated, TypeVar

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.auth import Role, require_roles
from shared.errors import Problem, not_found, unprocessable
from shared.events import topics
from shared.http.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.http.problems import PROBLEM_JSON
from shared.replay import DeadLetterView, list_dead_letters, replay_dead_letter, replay_dead_letters
from shared.settings import KafkaSettings

T = TypeVar("T")


def problems(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The problem answers a route gives, for its OpenAPI document."""
    return {status: {"description": "problem details", "content": {PROBLEM_JSON: {}}} for status in statuses}


# Reading a dead-letter topic or replaying it waits this long for the broker before answering 503.
BROKER_TIMEOUT_S = 30.0


class DeadLetterOut(BaseModel):
    topic: str = Field(description="the topic the letter came from (its dead-letter topic is `<topic>.dlq`)")
    partition: int = Field(description="partition of the dead-letter topic")
    offset: int = Field(description="offset in that partition")
    consumer: str | None
    reason: str | None = Field(description="undecodable, unknown_type, unknown_version or handler_failed")
    error: str | None
    original_partition: int | None
    original_offset: int | None
    event_id: str | None
    event_type: str | None
    dead_lettered_at: datetime


class DeadLetterPageOut(BaseModel):
    items: list[DeadLetterOut]
    next_cursor: str | None


class ReplayIn(BaseModel):
    """One letter (``partition`` and ``offset``) or, without them, every letter of the topic not
    replayed before."""

    model_config = ConfigDict(extra="forbid")

    topic: str = Field(max_length=200)
    partition: int | None = Field(None, ge=0)
    offset: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def one_or_all(self) -> "ReplayIn":
        if (self.partition is None) != (self.offset is None):
            raise ValueError("give both partition and offset to replay one letter, or neither to replay all")
        return self


class ReplayOut(BaseModel):
    topic: str
    replayed: int


def consumed_topics(request: Request) -> list[str]:
    return list(request.app.state.spec.subscriptions.topics())


def read_by_this_service(request: Request, topic: str) -> str:
    if topic not in consumed_topics(request):
        raise unprocessable(
            "unknown_topic", f"this service consumes no topic {topic!r}", topics=consumed_topics(request)
        )
    return topic


def positions_of(cursor: str | None) -> dict[TopicPartition, int] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        return {TopicPartition(str(topic), int(partition)): int(offset) for topic, partition, offset in values}
    except (TypeError, ValueError):
        raise invalid_cursor() from None


def cursor_of(positions: dict[TopicPartition, int] | None) -> str | None:
    if positions is None:
        return None
    return encode_cursor([[tp.topic, tp.partition, offset] for tp, offset in sorted(positions.items())])


async def from_broker(work: Awaitable[T]) -> T:
    """The broker away or slow is a 503 the operator may retry, not an error of the service."""
    try:
        return await asyncio.wait_for(work, timeout=BROKER_TIMEOUT_S)
    except (KafkaError, OSError, TimeoutError) as exc:
        raise Problem(503, "broker_unavailable", "Service unavailable", f"the broker did not answer: {exc}") from exc


def out(letter: DeadLetterView) -> DeadLetterOut:
    return DeadLetterOut.model_validate(letter, from_attributes=True)


def dead_letters_router() -> APIRouter:
    router = APIRouter(prefix="/v1/ops/dead-letters", tags=["operations"])
    ops = Depends(require_roles(Role.OPS))

    @router.get("", dependencies=[ops], responses=problems(400, 401, 403, 422, 503))
    async def list_letters(
        request: Request,
        topic: Annotated[str | None, Query(max_length=200)] = None,
        cursor: Annotated[str | None, Query(max_length=4000)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> DeadLetterPageOut:
        names = [read_by_this_service(request, topic)] if topic is not None else consumed_topics(request)
        settings: KafkaSettings = request.app.state.settings
        page = await from_broker(list_dead_letters(settings, names, positions_of(cursor), limit))
        return DeadLetterPageOut(
            items=[out(letter) for letter in page.letters], next_cursor=cursor_of(page.next_positions)
        )

    @router.post("/replay", dependencies=[ops], responses=problems(401, 403, 404, 422, 503))
    async def replay(request: Request, body: ReplayIn) -> ReplayOut:
        topic = read_by_this_service(request, body.topic)
        settings: KafkaSettings = request.app.state.settings
        if body.partition is None or body.offset is None:
            return ReplayOut(topic=topic, replayed=await from_broker(replay_dead_letters(settings, topic)))
        if not await from_broker(replay_dead_letter(settings, topic, body.partition, body.offset)):
            raise not_found("dead letter", f"{topics.dlq(topic)}[{body.partition}]@{body.offset}")
        return ReplayOut(topic=topic, replayed=1)

    return router
