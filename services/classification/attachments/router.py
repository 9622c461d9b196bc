"""Attachment endpoints (HTTP only): ATT-4 on incidents and their supplier issues, with the incident
readers' rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.attachments import service
from services.classification.attachments.models import Attachment
from services.classification.roles import READERS, WRITERS
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
    """ATT-2: 归零 evidence, the emergency plan's records: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged by
    content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the old one stays in
    the incident's history. Name the ids in an item's evidence (``PUT /v1/incidents/{id}/zeroing/{item}``,
    ``attachments``)."""

    async def may_attach(session: AsyncSession) -> None:
        await service.incidents_service.open_or_fail(session, incident_id)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach(session, incident_id, accepted, principal)

    owner = (service.INCIDENT, str(incident_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/incidents/{incident_id}/attachments", response_model=AttachmentList)
async def list_incident_attachments(
    incident_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*READERS)),
) -> AttachmentList:
    found = await service.of_incident(session, incident_id, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


@router.post(
    "/v1/incidents/{incident_id}/supplier-issue/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_supplier_issue_attachment(
    incident_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*WRITERS)),
) -> AttachmentOut:
    """ATT-2: the supplier's 《供应商异常矫正单》, the photo of its material: JPEG, PNG, HEIC, PDF, XLSX or
    DOCX judged by content, at most 20 MB, on an open incident's supplier issue. ``replaces`` names an
    attachment this one supersedes; the old one stays in the incident's history."""

    async def may_attach(session: AsyncSession) -> None:
        await service.supplier_issue_to_attach_to(session, incident_id)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach_to_supplier_issue(session, incident_id, accepted, principal)

    owner = (service.SUPPLIER_ISSUE, str(incident_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/incidents/{incident_id}/supplier-issue/attachments", response_model=AttachmentList)
async def list_supplier_issue_attachments(
    incident_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*READERS)),
) -> AttachmentList:
    found = await service.of_supplier_issue(session, incident_id, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


router.include_router(download_routes(service.readable, READERS))
