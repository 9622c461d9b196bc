"""All SQL of emergency steps and 归零 items."""

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.zeroing.models import EmergencyStep, ZeroingItem


async def steps(session: AsyncSession, incident_id: uuid.UUID) -> list[EmergencyStep]:
    query = select(EmergencyStep).where(EmergencyStep.incident_id == incident_id)
    return list((await session.scalars(query)).all())


async def add_step(session: AsyncSession, step: EmergencyStep) -> None:
    session.add(step)
    await session.flush()


async def items(session: AsyncSession, incident_id: uuid.UUID) -> list[ZeroingItem]:
    query = select(ZeroingItem).where(ZeroingItem.incident_id == incident_id)
    return list((await session.scalars(query)).all())


async def put_item(session: AsyncSession, item: ZeroingItem) -> None:
    """The latest evidence of an item replaces the earlier one (the history keeps both)."""
    values = {
        "incident_id": item.incident_id,
        "item": item.item,
        "evidence": item.evidence,
        "documents": item.documents,
        "attachments": item.attachments,
        "recorded_by": item.recorded_by,
        "recorded_at": item.recorded_at,
    }
    statement = insert(ZeroingItem).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[ZeroingItem.incident_id, ZeroingItem.item],
            set_={k: statement.excluded[k] for k in values if k not in ("incident_id", "item")},
        )
    )
