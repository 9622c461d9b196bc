"""Incident endpoints (HTTP only)."""

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.classification.incidents import repository, service
from services.classification.incidents.models import Incident
from services.classification.incidents.schemas import (
    CauseIn,
    HistoryEntryOut,
    HistoryOut,
    IncidentOut,
    IncidentPage,
    IncidentReturnLineOut,
    IncidentReturnLinePage,
    ProblemLevelIn,
    ReclassifyIn,
)
from services.classification.roles import READERS, WRITERS
from shared.app import sessions_of
from shared.auth import Principal, require_roles
from shared.errors import not_found
from shared.http.pagination import decode_keyset, encode_cursor
from shared.schemas import Day, ShortQuery

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])


def _after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    return decode_keyset(cursor, datetime.fromisoformat, uuid.UUID)


@router.get("", response_model=IncidentPage)
async def list_incidents(
    level: str | None = Query(None, pattern="^(general|batch|major)$"),
    status: str | None = Query(None, pattern="^(open|closed)$"),
    model: str | None = Query(None, max_length=200),
    production_date: Day | None = None,
    shipped_batch_no: str | None = Query(None, max_length=200),
    source_id: str | None = Query(None, max_length=200),
    emergency: bool | None = None,
    q: ShortQuery = None,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(50, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentPage:
    async with sessions() as session:
        incidents = await repository.search(
            session,
            level=level,
            status=status,
            model=model,
            production_date=production_date,
            shipped_batch_no=shipped_batch_no,
            source_id=source_id,
            emergency=emergency,
            text=q,
            after=_after(cursor),
            limit=limit + 1,
        )
        page, more = incidents[:limit], len(incidents) > limit
        sources = await repository.sources_of(session, [incident.id for incident in page])
    next_cursor = encode_cursor([page[-1].created_at.isoformat(), str(page[-1].id)]) if more else None
    return IncidentPage(items=[service.to_out(i, sources[i.id]) for i in page], next_cursor=next_cursor)


@router.get("/{incident_id}", response_model=IncidentOut)
async def get_incident(
    incident_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentOut:
    async with sessions() as session:
        incident = await repository.get(session, incident_id)
        if incident is None:
            raise not_found("incident", str(incident_id))
        return await _out(session, incident)


async def _out(session: AsyncSession, incident: Incident) -> IncidentOut:
    sources = await repository.sources_of(session, [incident.id])
    return service.to_out(incident, sources[incident.id])


@router.get("/{incident_id}/return-lines", response_model=IncidentReturnLinePage)
async def list_return_lines(
    incident_id: uuid.UUID,
    cursor: str | None = Query(None, max_length=500),
    limit: int = Query(100, ge=1, le=500),
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentReturnLinePage:
    """CLS-2: the return lines an aggregate incident counts, a page at a time (its view names the first
    100 of its sources and how many there are)."""
    after = decode_keyset(cursor, str)
    async with sessions() as session:
        if await repository.get(session, incident_id) is None:
            raise not_found("incident", str(incident_id))
        lines = await repository.return_lines(session, incident_id, after[0] if after else None, limit + 1)
    page, more = lines[:limit], len(lines) > limit
    return IncidentReturnLinePage(
        items=[IncidentReturnLineOut.model_validate(line, from_attributes=True) for line in page],
        next_cursor=encode_cursor([page[-1].line_id]) if more else None,
    )


@router.get("/{incident_id}/history", response_model=HistoryOut)
async def get_history(
    incident_id: uuid.UUID,
    _: Principal = Depends(require_roles(*READERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> HistoryOut:
    async with sessions() as session:
        if await repository.get(session, incident_id) is None:
            raise not_found("incident", str(incident_id))
        entries = await repository.history(session, incident_id)
    return HistoryOut(items=[HistoryEntryOut.model_validate(e, from_attributes=True) for e in entries])


@router.post("/{incident_id}/reclassify", response_model=IncidentOut)
async def reclassify(
    incident_id: uuid.UUID,
    payload: ReclassifyIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentOut:
    """CLS-3: a manual level with its reason, kept in the history."""
    async with sessions() as session, session.begin():
        incident = await service.reclassify(session, incident_id, payload.level, payload.reason, principal)
        return await _out(session, incident)


@router.post("/{incident_id}/problem-level", response_model=IncidentOut)
async def set_problem_level(
    incident_id: uuid.UUID,
    payload: ProblemLevelIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentOut:
    """CLS-4: minor, general or important."""
    async with sessions() as session, session.begin():
        incident = await service.set_problem_level(
            session, incident_id, payload.problem_level.value, payload.reason, principal
        )
        return await _out(session, incident)


@router.post("/{incident_id}/cause", response_model=IncidentOut)
async def set_cause(
    incident_id: uuid.UUID,
    payload: CauseIn,
    principal: Principal = Depends(require_roles(*WRITERS)),
    sessions: async_sessionmaker[AsyncSession] = Depends(sessions_of),
) -> IncidentOut:
    """CLS-5: the cause category routes the incident to its responsible department."""
    async with sessions() as session, session.begin():
        incident = await service.set_cause(
            session, incident_id, payload.cause_category.value, payload.reason, principal
        )
        return await _out(session, incident)
