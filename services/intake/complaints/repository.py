"""All SQL of complaints."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints.models import Complaint, ComplaintHistory, ComplaintNumber


async def next_sequence(session: AsyncSession, day: date) -> int:
    statement = (
        insert(ComplaintNumber)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=[ComplaintNumber.day], set_={"last": ComplaintNumber.last + 1})
        .returning(ComplaintNumber.last)
    )
    sequence: int = (await session.execute(statement)).scalar_one()
    return sequence


async def add(session: AsyncSession, complaint: Complaint) -> None:
    session.add(complaint)
    await session.flush()


async def add_history(
    session: AsyncSession, complaint_id: uuid.UUID, actor: str, action: str, changes: dict[str, Any]
) -> None:
    session.add(ComplaintHistory(complaint_id=complaint_id, actor=actor, action=action, changes=changes))


async def get(session: AsyncSession, complaint_id: uuid.UUID) -> Complaint | None:
    return await session.get(Complaint, complaint_id)


async def get_by_number(session: AsyncSession, complaint_no: str) -> Complaint | None:
    return await session.scalar(select(Complaint).where(Complaint.complaint_no == complaint_no))
