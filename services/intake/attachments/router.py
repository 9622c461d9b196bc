"""Attachment endpoints (HTTP only): ATT-4 on complaints and shop-floor reports, each with its own
readers' rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.attachments import service
from services.intake.attachments.models import Attachment
from services.intake.complaints.router import FILERS, READERS
from services.intake.reports.router import FILERS as REPORT_FILERS
from services.intake.reports.router import READERS as REPORT_READERS
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
    readers_of,
    seen_by_roles,
    to_out,
    upload_to,
)
from shared.auth import Principal, require_roles
from shared.http.session import ReadSession

router = APIRouter(tags=["attachments"])


# ATT-3: who reads a complaint reads its attachments, who reads a shop-floor report reads its photos.
SEES = {service.COMPLAINT: seen_by_roles(READERS), service.REPORT: seen_by_roles(REPORT_READERS)}
ANY_READER = readers_of(READERS, REPORT_READERS)


@router.post(
    "/v1/complaints/{complaint_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_complaint_attachment(
    complaint_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*FILERS)),
) -> AttachmentOut:
    """ATT-2: a sample photo, the signed reply, the return-visit record: JPEG, PNG, HEIC, PDF, XLSX or
    DOCX judged by content, at most 20 MB. ``replaces`` names an attachment this one supersedes; the
    old one stays in the complaint's history."""

    async def may_attach(session: AsyncSession) -> None:
        await service.complaint_to_attach_to(session, complaint_id, principal)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach(session, complaint_id, accepted, principal)

    owner = (service.COMPLAINT, str(complaint_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/complaints/{complaint_id}/attachments", response_model=AttachmentList)
async def list_complaint_attachments(
    complaint_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*READERS)),
) -> AttachmentList:
    found = await service.of_complaint(session, complaint_id, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


@router.post(
    "/v1/incident-reports/{report_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_report_attachment(
    report_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*REPORT_FILERS)),
) -> AttachmentOut:
    """ATT-2: the photo of the scrapped part, the rework sheet: JPEG, PNG, HEIC, PDF, XLSX or DOCX judged
    by content, at most 20 MB; whoever may file a report may add to one. ``replaces`` names an
    attachment this one supersedes; the old one is kept."""

    async def may_attach(session: AsyncSession) -> None:
        await service.report_to_attach_to(session, report_id)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach_to_report(session, report_id, accepted, principal)

    owner = (service.REPORT, str(report_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/incident-reports/{report_id}/attachments", response_model=AttachmentList)
async def list_report_attachments(
    report_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*REPORT_READERS)),
) -> AttachmentList:
    found = await service.of_report(session, report_id, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


router.include_router(
    download_routes(
        lambda session, attachment_id, principal: service.readable(session, attachment_id, principal, SEES), ANY_READER
    )
)
