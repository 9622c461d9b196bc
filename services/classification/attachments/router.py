"""Attachment endpoints (HTTP only): ATT-4 on incidents, with the incident readers' rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.attachments import service
from services.classification.roles import READERS, WRITERS
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
    "/v1/incidents/{incident_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_incident_attachment(
    incident_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*WRITERS)),
) -> AttachmentOut:
    """ATT-2: 归零 evidence, the emergency plan's records, a supplier's 《供应商异常矫正单》: JPEG, PNG,
    HEIC, PDF, XLSX or DOCX judged by content, at most 20 MB. ``replaces`` names an attachment this one
    supersedes; the old one stays in the incident's history. Name the ids in an item's evidence
    (``PUT /v1/incidents/{id}/zeroing/{item}``, ``attachments``)."""
    async with sessions() as session:
        await service.incidents_service.open_or_fail(session, incident_id)

    async def replaceable_here(replaces: uuid.UUID) -> None:
        async with sessions() as session:
            await service.ensure_replaceable(session, incident_id, replaces)

    accepted = await accept_upload(request, store, service.INCIDENT, replaceable_here)
    async with sessions() as session, session.begin():
        return to_out(await service.attach(session, incident_id, accepted, principal))


@router.get("/v1/incidents/{incident_id}/attachments", response_model=AttachmentList)
async def list_incident_attachments(
    incident_id: uuid.UUID,
    sessions: Sessions,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*READERS)),
) -> AttachmentList:
    async with sessions() as session:
        found = await service.of_incident(session, incident_id, include_replaced)
        return AttachmentList(items=[to_out(a) for a in found])


@router.get("/v1/attachments/{attachment_id}", response_class=StreamingResponse)
async def get_attachment(
    attachment_id: uuid.UUID,
    sessions: Sessions,
    store: Store,
    _: Principal = Depends(require_roles(*READERS)),
) -> StreamingResponse:
    """The bytes as stored, with the original (Chinese) file name (RFC 5987 ``filename*``)."""
    async with sessions() as session:
        attachment = await service.readable(session, attachment_id)
    return download(store, attachment.storage_key, attachment.content_type, attachment.name, attachment.size)


@router.get("/v1/attachments/{attachment_id}/thumbnail", response_class=StreamingResponse)
async def get_attachment_thumbnail(
    attachment_id: uuid.UUID,
    sessions: Sessions,
    store: Store,
    _: Principal = Depends(require_roles(*READERS)),
) -> StreamingResponse:
    """A JPEG at most 320 px a side, for photos; a document has none (404)."""
    async with sessions() as session:
        attachment = await service.readable(session, attachment_id)
    if attachment.thumbnail_key is None:
        raise not_found("thumbnail", str(attachment_id))
    return download(store, attachment.thumbnail_key, "image/jpeg", f"{attachment.name}.thumbnail.jpg")
