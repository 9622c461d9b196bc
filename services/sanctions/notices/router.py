"""Violation and notice endpoints (SAN-2…SAN-4, HTTP only)."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.notices import repository, service
from services.sanctions.notices.models import Notice, NoticeStep
from services.sanctions.notices.schemas import (
    DecisionIn,
    DisputeIn,
    IssueIn,
    NameEmployeeIn,
    NoticeDetail,
    NoticeOut,
    NoticePage,
    NoticeQuery,
    StepIn,
    ViolationCreated,
    ViolationIn,
)
from shared.auth import Principal, Role, require_roles
from shared.errors import Problem, not_found
from shared.http.pagination import Paged, page_of
from shared.http.routes import Step, StepAct, add_steps
from shared.http.session import ReadSession, WriteSession, creates_once

violations = APIRouter(prefix="/v1/violations", tags=["notices"])
router = APIRouter(prefix="/v1/notices", tags=["notices"])

RECORDERS = (Role.QUALITY_MANAGER, Role.INSPECTOR)
ISSUERS = (Role.QUALITY_MANAGER,)  # §6.2
STAMPERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)  # §6.3: the stamped original goes to administration
DECIDERS = (Role.ADMIN_DEPT,)  # §6.5
EVERYONE = tuple(Role)  # object-level rules decide what each one sees
Recorder = Annotated[Principal, Depends(require_roles(*RECORDERS))]
Issuer = Annotated[Principal, Depends(require_roles(*ISSUERS))]
Anyone = Annotated[Principal, Depends(require_roles(*EVERYONE))]


@violations.post("", status_code=201, response_model=ViolationCreated)
@creates_once("violations")
async def record_violation(
    payload: ViolationIn,
    session: WriteSession,
    principal: Recorder,
) -> dict[str, Any]:
    violation, notice, act = await service.record_violation(session, payload, principal.sub)
    return {"id": violation.id, "notice": notice, "act": act}


def _visible_employee(principal: Principal, employee_id: str | None) -> str | None:
    """§7: an employee lists only their own notices unless quality, administration or finance."""
    if principal.has_any(service.SEE_ALL):
        return employee_id
    if employee_id is not None and employee_id != principal.sub:
        raise Problem(403, "forbidden", "Forbidden", "you may only see your own notices")
    return principal.sub


@router.get("", response_model=NoticePage)
async def list_notices(
    session: ReadSession,
    principal: Anyone,
    query: Annotated[NoticeQuery, Query()],
) -> Paged[Notice]:
    employee_id = _visible_employee(principal, query.employee_id)
    return await page_of(session, repository.search(query, employee_id), repository.KEYSET, query)


@router.get("/{notice_id}", response_model=NoticeDetail)
async def get_notice(
    notice_id: uuid.UUID,
    session: ReadSession,
    principal: Anyone,
) -> tuple[Notice, list[NoticeStep]]:
    notice = await repository.get(session, notice_id)
    if notice is None or not service.can_see(principal, notice.employee_id):
        raise not_found("notice", str(notice_id))
    return notice, await repository.steps_of(session, notice_id)


def _noting(act: Callable[[AsyncSession, uuid.UUID, str | None, Principal], Awaitable[Notice]]) -> StepAct:
    """A step whose service takes only the body's note."""
    return lambda session, notice_id, body, principal: act(session, notice_id, body.note, principal)


# SAN-4 (§6.2 issue, §6.3 stamp, §6.5 dispute and decision): POST /v1/notices/{id}/<step>.
ISSUE = Step("/{notice_id}/issue", "issue_notice", service.issue, IssueIn, ISSUERS, optional=True)
STEPS = (
    Step("/{notice_id}/stamp", "stamp_notice", _noting(service.stamp), StepIn, STAMPERS, optional=True),
    Step("/{notice_id}/withdraw", "withdraw_notice", _noting(service.withdraw), StepIn, ISSUERS, optional=True),
    Step("/{notice_id}/dispute", "dispute_notice", service.dispute, DisputeIn, EVERYONE),
    Step("/{notice_id}/decide", "decide_dispute", service.decide, DecisionIn, DECIDERS),
)
# Issuing is added before /employee, the others after it: the document keeps its order of paths.
add_steps(router, [ISSUE], object_id="notice_id", response_model=NoticeOut)


@router.post("/{notice_id}/employee", response_model=ViolationCreated)
async def name_employee(
    notice_id: uuid.UUID,
    body: NameEmployeeIn,
    session: WriteSession,
    principal: Issuer,
) -> dict[str, Any]:
    """SAN-6: names the person an incident draft charges (one that names only the department), before
    it is issued; the answer shows the notice's act (SAN-3) once it has one."""
    notice, act = await service.name_employee(session, notice_id, body, principal)
    return {"id": notice.violation_id, "notice": notice, "act": act}


add_steps(router, STEPS, object_id="notice_id", response_model=NoticeOut)
