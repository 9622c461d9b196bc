"""Complaint endpoints (HTTP only): CMP-1 … CMP-8 under SPEC §7 roles."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import repository, service
from services.intake.complaints.models import Complaint
from services.intake.complaints.rules import Action
from services.intake.complaints.schemas import (
    CloseIn,
    Comparison,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintQuery,
    DecisionIn,
    EscalateIn,
    HandoverIn,
    History,
    InvestigateIn,
    Recomputed,
    RejectIn,
    ReplyIn,
    ReturnVisitIn,
    SeverityIn,
)
from shared import clock
from shared.auth import Principal, Role, require_roles
from shared.calendar_store import load_calendar
from shared.errors import found
from shared.http.pagination import Paged, page_of
from shared.http.routes import Step, StepAct, add_steps
from shared.http.session import ReadSession, WriteSession, creates_once

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])

FILERS = (Role.CUSTOMER_SERVICE, Role.SALES, Role.QUALITY_MANAGER)
# Who reads complaints; the complainant's personal data only some of them (rules.sees_personal_data).
READERS = (*FILERS, Role.EXECUTIVE, Role.ADMIN_DEPT, Role.OPS)
# CMP-5: the quality department escalates and sets the severity.
SIGNERS = (Role.QUALITY_MANAGER,)
# CMP-4: a reply (处理书面文件) is signed by the quality-department head; a serious complaint's may
# also be signed by the company head (CMP-5, rev. 2026-12).
REPLY_SIGNERS = (Role.QUALITY_MANAGER, Role.EXECUTIVE)
# CMP-5: the decision level (最高决策层) decides on recall and crisis handling.
DECIDERS = (Role.EXECUTIVE,)
# Those who load the calendar (CMP-3) recompute the deadlines it changes.
CALENDAR_KEEPERS = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT)
CalendarKeeper = Annotated[Principal, Depends(require_roles(*CALENDAR_KEEPERS))]
Reader = Annotated[Principal, Depends(require_roles(*READERS))]


# One dependency object, so a complaint's filer is admitted once and before its number is taken.
Filer = Annotated[Principal, Depends(require_roles(*FILERS))]


@dataclass(frozen=True)
class Numbered:
    payload: ComplaintIn
    ticket: service.Ticket


async def numbered(payload: ComplaintIn, numbering: ReadSession, _: Filer) -> Numbered:
    """CMP-2: the complaint with its number, reserved before its transaction starts (after the filer
    is admitted); the connection goes back to the pool at once, so a complaint never holds two."""
    ticket = await service.take_ticket(numbering, payload)
    await numbering.close()
    return Numbered(payload, ticket)


@router.post("", status_code=201, response_model=ComplaintOut)
@creates_once("complaints")
async def create_complaint(
    filed: Annotated[Numbered, Depends(numbered)],
    session: WriteSession,
    principal: Filer,
) -> ComplaintOut:
    """CMP-1/2/3/5/7: records a complaint; its SLA deadlines come from the working-day calendar."""
    calendar = await load_calendar(session)
    complaint = await service.receive_complaint(session, filed.payload, filed.ticket, principal, calendar)
    return ComplaintOut.read(complaint, principal)


@router.post("/deadlines/recompute", response_model=Recomputed)
async def recompute_deadlines(
    session: WriteSession,
    principal: CalendarKeeper,
) -> Recomputed:
    """CMP-3: once a year's holidays are loaded (PUT /v1/calendar/{year}), the complaints still
    waiting for a reply are given the deadlines of that calendar."""
    calendar = await load_calendar(session)
    return Recomputed(recomputed=await service.recompute_deadlines(session, calendar, principal))


@router.get("", response_model=ComplaintPage)
async def list_complaints(
    session: ReadSession,
    principal: Reader,
    query: Annotated[ComplaintQuery, Query()],
) -> Paged[ComplaintOut]:
    """Newest first; ``overdue=true`` is the CMP-3 overdue listing, ``escalated=true`` the decision
    level's (CMP-5). ``q`` finds a substring of the number, complainant's name or phone, product
    model or description; ``number``, ``complainant`` and ``phone`` a substring of that field. The
    name and phone match only the complaints whose complainant this reader sees unmasked."""
    now = clock.now()
    page = await page_of(session, repository.search(query, principal, now), repository.KEYSET, query)
    return page.map(lambda complaint: ComplaintOut.read(complaint, principal, now))


async def _found(session: AsyncSession, complaint_id: uuid.UUID) -> Complaint:
    return found(await repository.get(session, complaint_id), "complaint", complaint_id)


async def _found_by_reference(session: AsyncSession, reference: str) -> Complaint:
    """A complaint by its id or by its number (TS-YYYYMMDD-NNNN), as people quote it."""
    try:
        complaint_id = uuid.UUID(reference)
    except ValueError:
        complaint = await repository.get_by_number(session, reference.upper())
    else:
        complaint = await repository.get(session, complaint_id)
    return found(complaint, "complaint", reference)


@router.get("/{complaint_id}", response_model=ComplaintOut)
async def get_complaint(
    complaint_id: Annotated[str, Path(max_length=64, description="the complaint's id, or its number TS-YYYYMMDD-NNNN")],
    session: ReadSession,
    principal: Reader,
) -> ComplaintOut:
    return ComplaintOut.read(await _found_by_reference(session, complaint_id), principal)


@router.get("/{complaint_id}/history", response_model=History)
async def complaint_history(
    complaint_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> History:
    """CMP-8: who changed what and when, oldest first."""
    await _found(session, complaint_id)
    return History.model_validate({"items": await repository.history(session, complaint_id)})


@router.get("/{complaint_id}/comparison", response_model=Comparison)
async def complaint_comparison(
    complaint_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> Comparison:
    """CMP-6: complaints about the same batch, and the same model, within 90 days."""
    return await service.comparison(session, await _found(session, complaint_id))


def _acting(action: Action) -> StepAct:
    async def act(
        session: AsyncSession, complaint_id: uuid.UUID, body: BaseModel, principal: Principal
    ) -> ComplaintOut:
        return ComplaintOut.read(await service.act(session, complaint_id, action, body, principal), principal)

    return act


# The CMP-4 lifecycle, CMP-5 severity and decision, CMP-7 handover: POST /v1/complaints/{id}/<step>.
STEPS = (
    Step(
        "/{complaint_id}/investigate",
        "investigate",
        _acting(Action.INVESTIGATE),
        InvestigateIn,
        FILERS,
        "CMP-4 received → investigating (within 1 working day, CMP-3).",
        optional=True,
    ),
    Step(
        "/{complaint_id}/reply",
        "reply",
        _acting(Action.REPLY),
        ReplyIn,
        REPLY_SIGNERS,
        """CMP-4 investigating → replied: cause, resolution, improvement, signed by the quality head (a
        serious complaint's also by the company head).""",
    ),
    Step(
        "/{complaint_id}/return-visit",
        "return_visit",
        _acting(Action.RETURN_VISIT),
        ReturnVisitIn,
        FILERS,
        "CMP-4 replied → visited: the customer's feedback and satisfaction 1–5.",
    ),
    Step(
        "/{complaint_id}/close",
        "close",
        _acting(Action.CLOSE),
        CloseIn,
        FILERS,
        "CMP-4 visited → closed.",
        optional=True,
    ),
    Step(
        "/{complaint_id}/reject",
        "reject",
        _acting(Action.REJECT),
        RejectIn,
        FILERS,
        "CMP-4 投诉不成立, from received or investigating, with a reason.",
    ),
    Step(
        "/{complaint_id}/handover",
        "handover",
        _acting(Action.HANDOVER),
        HandoverIn,
        FILERS,
        "CMP-7: the owner (or the quality department) hands the complaint to a named colleague.",
    ),
    Step(
        "/{complaint_id}/escalate",
        "escalate",
        _acting(Action.ESCALATE),
        EscalateIn,
        SIGNERS,
        "CMP-5: the quality department judges an open complaint serious; it goes to the decision level.",
    ),
    Step(
        "/{complaint_id}/severity",
        "set_severity",
        _acting(Action.SEVERITY),
        SeverityIn,
        SIGNERS,
        """CMP-5 (rev. 2026-12): the quality manager sets the severity with a reason (a Diamond/Platinum
        default may be lowered); serious goes to the decision level, general leaves it.""",
    ),
    Step(
        "/{complaint_id}/decision",
        "record_decision",
        _acting(Action.DECISION),
        DecisionIn,
        DECIDERS,
        """CMP-5: the decision level records whether to start a product recall and crisis handling, once,
        on a serious complaint (409 on a general one); announced as complaint.decision_recorded.""",
    ),
)
add_steps(router, STEPS, object_id="complaint_id", response_model=ComplaintOut)
