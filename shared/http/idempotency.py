"""``Idempotency-Key`` on creating POSTs: the same key returns the same result and does the work once;
the same key with another body is a 409.

The key row is inserted first, in the request's transaction: a concurrent request with the same key
waits on the unique index until the first commits, then reads its stored response.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.http.session import StoredAnswer, claim_key, store_answer

IdempotencyKey = Header(None, alias="Idempotency-Key", min_length=1, max_length=200)


async def run_once(
    session: AsyncSession,
    scope: str,
    key: str | None,
    body: bytes,
    create: Callable[[], Awaitable[tuple[int, Any]]],
) -> tuple[int, Any]:
    """Runs ``create`` once per (scope, key); replays its (status, json body) afterwards. A route
    declares ``shared.http.session.creates_once`` instead; this is for those not converted yet."""
    if key is None:
        return await create()
    try:
        claim = await claim_key(session, scope, key, body)
    except StoredAnswer as stored:
        return stored.status, stored.body
    status, response = await create()
    await store_answer(session, claim, status, response)
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
