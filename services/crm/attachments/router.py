"""Attachment endpoints (HTTP only): ATT-4 on fee statements, with the statement's object-level rights,
and on visit reports, with the visit readers' rights (ATT-3)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.attachments import service
from services.crm.attachments.models import Attachment
from services.crm.fees.router import FEE_READERS
from services.crm.visits.router import READERS as VISIT_READERS
from services.crm.visits.router import VISITORS
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


# ATT-3: a fee statement's attachments are seen by who sees the statement, a visit report's by its readers.
SEES = {service.STATEMENT: service.sees_statement, service.VISIT: seen_by_roles(VISIT_READERS)}
ANY_READER = readers_of(FEE_READERS, VISIT_READERS)


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

    async def may_attach(session: AsyncSession) -> None:
        await service.statement_to_attach_to(session, statement_id, principal)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach(session, statement_id, accepted, principal)

    owner = (service.STATEMENT, str(statement_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/fee-statements/{statement_id}/attachments", response_model=AttachmentList)
async def list_statement_attachments(
    statement_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    principal: Principal = Depends(require_roles(*FEE_READERS)),
) -> AttachmentList:
    found = await service.of_statement(session, statement_id, principal, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


@router.post(
    "/v1/visits/{visit_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    max_body_size=UPLOAD_BODY_BYTES,
    openapi_extra=UPLOAD_BODY,
    responses=UPLOAD_RESPONSES,
)
async def add_visit_attachment(
    visit_id: uuid.UUID,
    request: Request,
    sessions: Sessions,
    store: Store,
    principal: Principal = Depends(require_roles(*VISITORS)),
) -> AttachmentOut:
    """ATT-2: a photo on site, the customer's signed visit sheet: JPEG, PNG, HEIC, PDF, XLSX or DOCX
    judged by content, at most 20 MB; whoever may report a visit may add to one. ``replaces`` names an
    attachment this one supersedes; the old one is kept."""

    async def may_attach(session: AsyncSession) -> None:
        await service.visit_to_attach_to(session, visit_id)

    async def attach(session: AsyncSession, accepted: Accepted) -> Attachment:
        return await service.attach_to_visit(session, visit_id, accepted, principal)

    owner = (service.VISIT, str(visit_id))
    return await upload_to(request, store, sessions, Attachment, owner, may_attach, attach)


@router.get("/v1/visits/{visit_id}/attachments", response_model=AttachmentList)
async def list_visit_attachments(
    visit_id: uuid.UUID,
    session: ReadSession,
    include_replaced: Annotated[bool, Query(description="also the attachments replaced since")] = False,
    _: Principal = Depends(require_roles(*VISIT_READERS)),
) -> AttachmentList:
    found = await service.of_visit(session, visit_id, include_replaced)
    return AttachmentList(items=[to_out(a) for a in found])


router.include_router(
    download_routes(
        lambda session, attachment_id, principal: service.readable(session, attachment_id, principal, SEES), ANY_READER
    )
)
