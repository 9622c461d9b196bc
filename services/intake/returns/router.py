"""ERP return endpoints (HTTP only): RET-1, RET-2 under SPEC §7 roles."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError

from services.intake.returns import repository, service
from services.intake.returns.models import ReturnLine
from services.intake.returns.schemas import (
    MAX_BODY_BYTES,
    MAX_LINES,
    BatchResult,
    ReturnBatchEnvelope,
    ReturnLineOut,
    ReturnLinePage,
    ReturnLineQuery,
    batch_request_schema,
)
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem, found, unprocessable
from shared.http.pagination import Paged, page_of
from shared.http.problems import clean_errors
from shared.http.session import ReadSession, WriteSession, creates_once
from shared.schemas import ShortPath

router = APIRouter(prefix="/v1/returns", tags=["returns"])

PUSHERS = (Role.ERP,)
READERS = (Role.ERP, Role.QUALITY_MANAGER, Role.CUSTOMER_SERVICE, Role.ADMIN_DEPT, Role.OPS)
Pusher = Annotated[Principal, Depends(require_roles(*PUSHERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


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


async def batch_lines(request: Request) -> list[Any]:
    """The batch, read before its transaction starts: a body too large is refused without one."""
    return parse_batch(await request.body())


@router.post(
    "/batches",
    response_model=BatchResult,
    max_body_size=MAX_BODY_BYTES,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": batch_request_schema()}}}
    },
)
@creates_once("returns")
async def push_batch(
    principal: Pusher,
    lines: Annotated[list[Any], Depends(batch_lines)],
    session: WriteSession,
) -> BatchResult:
    """RET-1/RET-2: up to 10,000 lines; bad lines rejected one by one, good lines kept, a line id
    seen before counted as a duplicate and nowhere again."""
    return await service.record_batch(session, lines, principal.sub)


@router.get("", response_model=ReturnLinePage)
async def list_returns(
    session: ReadSession,
    _: Reader,
    query: Annotated[ReturnLineQuery, Query()],
) -> Paged[ReturnLine]:
    return await page_of(session, repository.search(query), repository.KEYSET, query)


@router.get("/lines/{line_id}", response_model=ReturnLineOut)
async def get_return_line(
    line_id: ShortPath,
    session: ReadSession,
    _: Reader,
) -> ReturnLine:
    return found(await repository.get(session, line_id), "return line", line_id)
