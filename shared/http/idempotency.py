"""``Idempotency-Key`` on creating POSTs: the same key returns the same result and does the work once;
the same key with another body is a 409.

The key row is inserted first, in the request's transaction: a concurrent request with the same key
waits on the unique index until the first commits, then reads its stored response.
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.errors import Problem
from shared.tables import tables_of

IdempotencyKey = Header(None, alias="Idempotency-Key", min_length=1, max_length=200)


def request_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def run_once(
    session: AsyncSession,
    scope: str,
    key: str | None,
    body: bytes,
    create: Callable[[], Awaitable[tuple[int, Any]]],
) -> tuple[int, Any]:
    """Runs ``create`` once per (scope, key); replays its (status, json body) afterwards."""
    if key is None:
        return await create()
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
            raise Problem(
                409,
                "idempotency_key_reused",
                "Conflict",
                "this Idempotency-Key was already used with a different request body",
            )
        return row.status_code, row.response
    status, response = await create()
    await session.execute(
        update(table).where(table.c.scope == scope, table.c.key == key).values(status_code=status, response=response)
    )
    return status, response


async def respond_once(
    sessions: async_sessionmaker[AsyncSession],
    scope: str,
    key: str | None,
    body: bytes,
    create: Callable[[AsyncSession], Awaitable[tuple[int, Any]]],
) -> JSONResponse:
    """The boundary of a creating POST: one transaction runs ``create`` once per (scope, key) and
    commits before the answer is sent."""
    async with sessions() as session, session.begin():
        status, response = await run_once(session, scope, key, body, lambda: create(session))
    return JSONResponse(response, status_code=status)
