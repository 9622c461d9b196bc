"""All SQL of incidents."""

import uuid
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents.models import Incident, IncidentSource


async def add(session: AsyncSession, incident: Incident, sources: list[tuple[str, str]]) -> None:
    session.add(incident)
    await session.flush()
    session.add_all(
        IncidentSource(incident_id=incident.id, source_id=source_id, source_kind=kind) for source_id, kind in sources
    )
    await session.flush()


async def get(session: AsyncSession, incident_id: uuid.UUID) -> Incident | None:
    return await session.get(Incident, incident_id)


async def sources_of(session: AsyncSession, incident_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    rows = await session.execute(
        select(IncidentSource.incident_id, IncidentSource.source_id)
        .where(IncidentSource.incident_id.in_(incident_ids))
        .order_by(IncidentSource.source_id)
    )
    found: dict[uuid.UUID, list[str]] = {incident_id: [] for incident_id in incident_ids}
    for incident_id, source_id in rows:
        found[incident_id].append(source_id)
    return found


async def search(
    session: AsyncSession,
    *,
    level: str | None,
    model: str | None,
    production_date: date | None,
    shipped_batch_no: str | None,
    source_id: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Incident]:
    query = select(Incident)
    if level is not None:
        query = query.where(Incident.level == level)
    if model is not None:
        query = query.where(Incident.model == model)
    if production_date is not None:
        query = query.where(Incident.production_date == production_date)
    if shipped_batch_no is not None:
        query = query.where(Incident.shipped_batch_no == shipped_batch_no)
    if source_id is not None:
        query = query.where(
            Incident.id.in_(select(IncidentSource.incident_id).where(IncidentSource.source_id == source_id))
        )
    if after is not None:
        query = query.where(tuple_(Incident.created_at, Incident.id) < tuple_(*after))
    query = query.order_by(Incident.created_at.desc(), Incident.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())
