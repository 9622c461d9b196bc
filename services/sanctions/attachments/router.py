"""Attachment endpoints (HTTP only): ATT-4 on notices, with the notice's object-level rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.attachments import service
from services.sanctions.attachments.models import Attachment
from services.sanctions.notices.router import EVERYONE
from shared.app import Sessions
from shared.attachments import (
    UPLOAD_BODY,
    UPLOAD_BODY_BYTES,
    UPLOAD_RESPONSES,
    Accepted,
    AttachmentList,
    AttachmentOut,
    Store,
    download_routes,
    to_out,
    upload_to,
)
from shared.auth import Principal, require_roles
from shared.http.session import ReadSession

router = APIRouter(tags=["attachments"])


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

    async def may_attach(session: AsyncSession) -> None:
        await service.visible_notice(session, notice_id, principal)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach(session, notice_id, accepted, principal)

    owner = (service.NOTICE, str(notice_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/notices/{notice_id}/attachments", response_model=AttachmentList)
async def list_notice_attachments(
    notice_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    principal: Principal = Depends(require_roles(*EVERYONE)),
) -> AttachmentList:
    found = await service.of_notice(session, notice_id, principal, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


router.include_router(download_routes(service.readable, EVERYONE))
