"""A request's transaction as a dependency: a route declares the session it needs and never opens one.

* ``ReadSession``: a session outside any write; nothing it does is kept.
* ``WriteSession``: one transaction for the whole request, committed when the route returns and
  before the answer is sent (a function-scoped dependency with ``yield``), rolled back when anything
  raises. A commit that fails is answered as a problem like any other error: the client never reads
  a success that was not kept.
* ``creates_once(scope)``: the ``Idempotency-Key`` boundary of a creating POST (SPEC §9). The route
  takes a ``WriteSession`` and returns the object it created; the key is claimed in the same
  transaction, the answer stored beside it, and a repeat of the key answers the stored response
  without running the route (the same key with another body is a 409).
"""

import functools
import hashlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, FastAPI, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import ResponseValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.auth import Principal, current_principal
from shared.errors import Problem
from shared.tables import tables_of


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


async def read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _sessions(request)() as session:
        yield session


async def write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with _sessions(request)() as session, session.begin():
        yield session


ReadSession = Annotated[AsyncSession, Depends(read_session, scope="function")]
WriteSession = Annotated[AsyncSession, Depends(write_session, scope="function")]


class StoredAnswer(Exception):
    """The answer an earlier request with the same ``Idempotency-Key`` got, sent again as it was."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def install_stored_answers(app: FastAPI) -> None:
    @app.exception_handler(StoredAnswer)
    async def _replay(_: Request, answer: StoredAnswer) -> JSONResponse:
        return JSONResponse(answer.body, status_code=answer.status)


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class Claim:
    """A key this request holds until its transaction ends; ``None`` when the client sent none."""

    scope: str
    key: str
    request_hash: str


def key_reused() -> Problem:
    return Problem(
        409,
        "idempotency_key_reused",
        "Conflict",
        "this Idempotency-Key was already used with a different request body",
    )


async def claim_key(session: AsyncSession, scope: str, key: str, body: bytes) -> Claim:
    """Inserts the key row first: a concurrent request with the same key waits on the unique index
    until the first commits, then reads its stored answer (raised as ``StoredAnswer``)."""
    table = tables_of(session).idempotency
    digest = request_hash(body)
    claimed = await session.scalar(
        insert(table).values(scope=scope, key=key, request_hash=digest).on_conflict_do_nothing().returning(table.c.key)
    )
    if claimed is None:
        row = (
            await session.execute(
                select(table.c.request_hash, table.c.status_code, table.c.response).where(
                    table.c.scope == scope, table.c.key == key
                )
            )
        ).one()
        if row.request_hash != digest:
            raise key_reused()
        raise StoredAnswer(row.status_code, row.response)
    return Claim(scope, key, digest)


async def store_answer(session: AsyncSession, claim: Claim, status: int, body: Any) -> None:
    table = tables_of(session).idempotency
    await session.execute(
        update(table)
        .where(table.c.scope == claim.scope, table.c.key == claim.key)
        .values(status_code=status, response=body)
    )


def answer_of(route: APIRoute, result: Any) -> tuple[int, Any]:
    """The status and JSON body FastAPI will send for ``result``: the route's response model applied."""
    field = route.response_field
    if field is None:
        return route.status_code or 200, jsonable_encoder(result)
    value, errors = field.validate(result, {}, loc=("response",))
    if errors:
        raise ResponseValidationError(errors, body=result)
    return route.status_code or 200, field.serialize(value, mode="json")


P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Creation:
    """What ``creates_once`` holds for the route it wraps: its transaction, its route and its key."""

    session: AsyncSession
    route: APIRoute
    claim: Claim | None


def creates_once(
    scope: str, *, per_caller: bool = True
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Marks a creating POST idempotent per (``scope``, caller, ``Idempotency-Key``). Put it under the
    route decorator; the route takes a ``WriteSession`` and returns what it created. ``scope`` may name
    the route's path parameters (``"deductions:{incident_id}"``); ``per_caller=False`` shares a key
    among every caller of that scope (one record that anyone of the writers may retry)."""

    async def creation(
        request: Request,
        session: WriteSession,
        principal: Annotated[Principal, Depends(current_principal)],
        key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200)] = None,
    ) -> Creation:
        route = request.scope["route"]
        if key is None:
            return Creation(session, route, None)
        held = scope.format(**request.path_params)
        if per_caller:
            held = f"{held}:{principal.sub}"
        return Creation(session, route, await claim_key(session, held, key, await request.body()))

    def decorate(endpoint: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        signature = inspect.signature(endpoint)
        held = inspect.Parameter(
            "idempotent_creation",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Creation, Depends(creation, scope="function")],
        )

        @functools.wraps(endpoint)
        async def create(*args: Any, **kwargs: Any) -> Any:
            once: Creation = kwargs.pop("idempotent_creation")
            result = await endpoint(*args, **kwargs)
            if once.claim is None:
                return result
            status, body = answer_of(once.route, result)
            await store_answer(once.session, once.claim, status, body)
            return JSONResponse(body, status_code=status)

        create.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), held]
        )
        return create

    return decorate
