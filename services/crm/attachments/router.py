"""Attachment endpoints (HTTP only): ATT-4 on fee statements, with the statement's object-level rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.crm.attachments import service
from services.crm.fees.router import FEE_READERS
from shared.app import sessions_of
from shared.attachments import (
    UPLOAD_BODY,
    UPLOAD_BODY_BYTES,
    UPLOAD_RESPONSES,
    AttachmentList,
    AttachmentOut,
    ObjectStore,
    accept_upload,
    download,
    store_of,
    to_out,
)
from shared.auth import Principal, require_roles
from shared.http.problems import not_found

router = APIRouter(tags=["attachments"])

Sessions = Annotated[async_sessionmaker[AsyncSession], Depends(sessions_of)]
Store = Annotated[ObjectStore, Depends(store_of)]


@router.post(
    "/v1/fee-statements/{statement_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_statement_attachment(
    statement_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
) -> AttachmentOut:
    """ATT-2: receipts, the signed statement: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by content, at
    most 20 MB. ``replaces`` names an attachment this one supersedes; the old one is kept."""
    async with sessions() as session:
        await service.statement_to_attach_to(session, statement_id, principal)

    async def replaceable_here(replaces: uuid.UUID) -> None:
        async with sessions() as session:
            await service.ensure_replaceable(session, statement_id, replaces)

    accepted = await accept_upload(request, store, service.STATEMENT, replaceable_here)
    async with sessions() as session, session.begin():
        return to_out(await service.attach(session, statement_id, accepted, principal))


@router.get("/v1/fee-statements/{statement_id}/attachments", response_model=AttachmentList)
async def list_statement_attachments(
    statement_id: uuid.UUID,
    sessions: Sessions,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
) -> AttachmentList:
    async with sessions() as session:
        found = await service.of_statement(session, statement_id, principal, include_replaced)
        return AttachmentList(items=[to_out(a) for a in found])


@router.get("/v1/attachments/{attachment_id}", response_class=StreamingResponse)
async def get_attachment(
    attachment_id: uuid.UUID,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
) -> StreamingResponse:
    """The bytes as stored, with the original (Chinese) file name (RFC 5987 ``filename*``)."""
    async with sessions() as session:
        attachment = await service.readable(session, attachment_id, principal)
    return download(store, attachment.storage_key, attachment.content_type, attachment.name, attachment.size)


@router.get("/v1/attachments/{attachment_id}/thumbnail", response_class=StreamingResponse)
async def get_attachment_thumbnail(
    attachment_id: uuid.UUID,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
) -> StreamingResponse:
    """A JPEG at most 320 px a side, for photos; a document has none (404)."""
    async with sessions() as session:
        attachment = await service.readable(session, attachment_id, principal)
    if attachment.thumbnail_key is None:
        raise not_found("thumbnail", str(attachment_id))
    return download(store, attachment.thumbnail_key, "image/jpeg", f"{attachment.name}.thumbnail.jpg")
