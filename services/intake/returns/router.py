"""ERP return endpoints (HTTP only): RET-1, RET-2 under SPEC §7 roles."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.returns import repository, service
from services.intake.returns.schemas import (
    MAX_BODY_BYTES,
    MAX_LINES,
    BatchResult,
    ReturnBatchEnvelope,
    ReturnLineOut,
    ReturnLinePage,
    batch_request_schema,
)
from shared.app import Sessions
from shared.auth import Principal, Role, require_roles
from shared.http.idempotency import IdempotencyKey, respond_once
from shared.http.pagination import decode_keyset, encode_cursor
from shared.http.problems import Problem, clean_errors, not_found, unprocessable
from shared.schemas import Day, ShortQuery

router = APIRouter(prefix="/v1/returns", tags=["returns"])
BATCH_REQUEST_BODY = {"schema": batch_request_schema()}

PUSHERS = (Role.ERP,)
READERS = (Role.ERP, Role.QUALITY_MANAGER, Role.CUSTOMER_SERVICE, Role.ADMIN_DEPT, Role.OPS)


def _too_large(detail: str) -> Problem:
    return Problem(413, "payload_too_large", "Payload too large", detail)


def parse_batch(body: bytes) -> list[Any]:
    """The request's shape; each line's content is judged later, line by line (RET-2)."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "malformed_json", "Request body is not valid JSON", "send a JSON object") from None
    except RecursionError:
        # A batch is three levels deep; thousands of nested arrays are an attack, not a batch.
        raise Problem(400, "too_deeply_nested", "Request body is not valid", "the JSON nests too deeply") from None
    if isinstance(document, dict) and isinstance(document.get("lines"), list) and len(document["lines"]) > MAX_LINES:
        raise _too_large(f"a batch has at most {MAX_LINES} lines; split it")
    try:
        envelope = ReturnBatchEnvelope.model_validate(document)
    except ValidationError as exc:
        errors = clean_errors([dict(error) for error in exc.errors()])
        raise unprocessable("validation_failed", f"{len(errors)} error(s) in the request", errors=errors) from None
    return envelope.lines


@router.post(
    "/batches",
    response_model=BatchResult,
    max_body_size=MAX_BODY_BYTES,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": batch_request_schema()}}}
    },
)
async def push_batch(
    request: Request,
    sessions: Sessions,
    principal: Principal = Depends(require_roles(*PUSHERS)),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    """RET-1/RET-2: up to 10,000 lines; bad lines rejected one by one, good lines kept, a line id
    seen before counted as a duplicate and nowhere again."""
    body = await request.body()
    lines = parse_batch(body)

    async def create(session: AsyncSession) -> tuple[int, object]:
        result = await service.record_batch(session, lines, principal.sub)
        return 200, result.model_dump(mode="json")

    return await respond_once(sessions, f"returns:{principal.sub}", idempotency_key, body, create)


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    return decode_keyset(cursor, datetime.fromisoformat, str)


@router.get("", response_model=ReturnLinePage)
async def list_returns(
    sessions: Sessions,
    model: ShortQuery = None,
    production_date: Day | None = None,
    shipped_batch_no: ShortQuery = None,
    customer_id: ShortQuery = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    _: Principal = Depends(require_roles(*READERS)),
) -> ReturnLinePage:
    async with sessions() as session:
        found = await repository.search(
            session,
            model=model,
            production_date=production_date,
            shipped_batch_no=shipped_batch_no,
            customer_id=customer_id,
            after=_after(cursor),
            limit=limit + 1,
        )
    page, more = found[:limit], len(found) > limit
    next_cursor = encode_cursor([page[-1].recorded_at.isoformat(), page[-1].line_id]) if more else None
    return ReturnLinePage(items=[service.to_out(line) for line in page], next_cursor=next_cursor)


@router.get("/lines/{line_id}", response_model=ReturnLineOut)
async def get_return_line(
    line_id: Annotated[str, Path(min_length=1, max_length=200)],
    sessions: Sessions,
    _: Principal = Depends(require_roles(*READERS)),
) -> ReturnLineOut:
    async with sessions() as session:
        line = await repository.get(session, line_id)
    if line is None:
        raise not_found("return line", line_id)
    return service.to_out(line)
