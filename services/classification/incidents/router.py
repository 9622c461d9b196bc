"""Incident endpoints (HTTP only)."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository, service
from services.classification.incidents.models import Incident, IncidentHistory
from services.classification.incidents.schemas import (
    CauseIn,
    HistoryOut,
    IncidentOut,
    IncidentPage,
    IncidentQuery,
    IncidentReturnLinePage,
    ProblemLevelIn,
    ReclassifyIn,
    ReturnLinesQuery,
)
from services.classification.incidents.service import SourcedIncident
from services.classification.returns.models import ReturnLine
from services.classification.roles import WRITERS, Reader
from shared.auth import Principal
from shared.http.pagination import Paged, page_of
from shared.http.routes import Step, StepAct, add_steps
from shared.http.session import ReadSession

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])


@router.get("", response_model=IncidentPage)
async def list_incidents(
    session: ReadSession,
    _: Reader,
    query: Annotated[IncidentQuery, Query()],
) -> Paged[SourcedIncident]:
    page = await page_of(session, repository.search(query), repository.KEYSET, query)
    return Paged(await service.sourced(session, page.items), page.next_cursor)


@router.get("/{incident_id}", response_model=IncidentOut)
async def get_incident(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> SourcedIncident:
    return await service.sourced_one(session, await service.existing(session, incident_id))


@router.get("/{incident_id}/return-lines", response_model=IncidentReturnLinePage)
async def list_return_lines(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
    query: Annotated[ReturnLinesQuery, Query()],
) -> Paged[ReturnLine]:
    """CLS-2: the return lines an aggregate incident counts, a page at a time (its view names the first
    100 of its sources and how many there are)."""
    await service.existing(session, incident_id)
    return await page_of(session, repository.return_lines(incident_id), repository.RETURN_LINES_KEYSET, query)


@router.get("/{incident_id}/history", response_model=HistoryOut)
async def get_history(
    incident_id: uuid.UUID,
    session: ReadSession,
    _: Reader,
) -> dict[str, list[IncidentHistory]]:
    await service.existing(session, incident_id)
    return {"items": await repository.history(session, incident_id)}


def _deciding(decide: Callable[..., Awaitable[Incident]], value: Callable[[Any], object]) -> StepAct:
    """A decision on the incident: the body's value with its reason, kept in the history; the answer is
    the incident with its sources, as every incident route answers."""

    async def act(session: AsyncSession, incident_id: uuid.UUID, payload: Any, principal: Principal) -> SourcedIncident:
        incident = await decide(session, incident_id, value(payload), payload.reason, principal)
        return await service.sourced_one(session, incident)

    return act


STEPS = (
    Step(
        "/{incident_id}/reclassify",
        "reclassify",
        _deciding(service.reclassify, lambda payload: payload.level),
        ReclassifyIn,
        WRITERS,
        "CLS-3: a manual level with its reason, kept in the history.",
    ),
    Step(
        "/{incident_id}/problem-level",
        "set_problem_level",
        _deciding(service.set_problem_level, lambda payload: payload.problem_level.value),
        ProblemLevelIn,
        WRITERS,
        "CLS-4: minor, general or important.",
    ),
    Step(
        "/{incident_id}/cause",
        "set_cause",
        _deciding(service.set_cause, lambda payload: payload.cause_category.value),
        CauseIn,
        WRITERS,
        "CLS-5: the cause category routes the incident to its responsible department.",
    ),
)
add_steps(router, STEPS, object_id="incident_id", body="payload", response_model=IncidentOut)
