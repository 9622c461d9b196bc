"""Attachment endpoints (HTTP only): ATT-4 on notices, with the notice's object-level rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.sanctions.attachments import service
from services.sanctions.notices.router import EVERYONE
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
    "/v1/notices/{notice_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_notice_attachment(
    notice_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*service.FILERS)),
) -> AttachmentOut:
    """ATT-2: the stamped notice, a dispute's proof: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by
    content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the old one stays
    in the notice's steps."""
    async with sessions() as session:
        await service.visible_notice(session, notice_id, principal)

    async def replaceable_here(replaces: uuid.UUID) -> None:
        async with sessions() as session:
            await service.ensure_replaceable(session, notice_id, replaces)

    accepted = await accept_upload(request, store, service.NOTICE, replaceable_here)
    async with sessions() as session, session.begin():
        return to_out(await service.attach(session, notice_id, accepted, principal))


@router.get("/v1/notices/{notice_id}/attachments", response_model=AttachmentList)
async def list_notice_attachments(
    notice_id: uuid.UUID,
    sessions: Sessions,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    principal: Principal = Depends(require_roles(*EVERYONE)),
) -> AttachmentList:
    async with sessions() as session:
        found = await service.of_notice(session, notice_id, principal, include_replaced)
        return AttachmentList(items=[to_out(a) for a in found])


@router.get("/v1/attachments/{attachment_id}", response_class=StreamingResponse)
async def get_attachment(
    attachment_id: uuid.UUID,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*EVERYONE)),
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
    principal: Principal = Depends(require_roles(*EVERYONE)),
) -> StreamingResponse:
    """A JPEG at most 320 px a side, for photos; a document has none (404)."""
    async with sessions() as session:
        attachment = await service.readable(session, attachment_id, principal)
    if attachment.thumbnail_key is None:
        raise not_found("thumbnail", str(attachment_id))
    return download(store, attachment.thumbnail_key, "image/jpeg", f"{attachment.name}.thumbnail.jpg")
