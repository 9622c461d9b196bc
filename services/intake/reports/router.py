"""Shop-floor report endpoints (HTTP only): REP-1 under SPEC §7 roles."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.intake.reports import repository, service
from services.intake.reports.models import IncidentReport
from services.intake.reports.schemas import ReportIn, ReportOut, ReportPage, ReportQuery
from shared.auth import Principal, Role, require_roles
from shared.errors import found
from shared.http.pagination import Paged, page_of
from shared.http.session import ReadSession, WriteSession, creates_once

router = APIRouter(prefix="/v1/incident-reports", tags=["incident reports"])

FILERS = (Role.INSPECTOR, Role.PRODUCTION, Role.QUALITY_MANAGER)
READERS = (*FILERS, Role.ADMIN_DEPT, Role.OPS)
Filer = Annotated[Principal, Depends(require_roles(*FILERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


@router.post("", status_code=201, response_model=ReportOut)
@creates_once("reports")
async def file_report(
    payload: ReportIn,
    session: WriteSession,
    principal: Filer,
) -> IncidentReport:
    """REP-1: a scrap, rework, nonconformity, supplier-material, injury or reputation report."""
    return await service.file_report(session, payload, principal)


@router.get("", response_model=ReportPage)
async def list_reports(
    session: ReadSession,
    _: Reader,
    query: Annotated[ReportQuery, Query()],
) -> Paged[IncidentReport]:
    return await page_of(session, repository.search(query), repository.KEYSET, query)


@router.get("/{report_id}", response_model=ReportOut)
async def get_report(
    report_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> IncidentReport:
    return found(await repository.get(session, report_id), "incident report", report_id)
