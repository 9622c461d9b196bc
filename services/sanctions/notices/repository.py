"""All SQL of violations and notices."""

import uuid
from datetime import datetime

from sqlalchemy import Row, Select, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.notices.models import IncidentDraft, Notice, NoticeStep, Violation
from services.sanctions.notices.rules import Status
from services.sanctions.notices.schemas import NoticeQuery
from shared.http.pagination import Keyset
from shared.queries import where_given

# Notices that count as an offence for repeats, escalation and the shift cap (SAN-2).
COUNTED = (Status.DRAFT, Status.ISSUED, Status.STAMPED, Status.SUMMARIZED)


async def lock_employee(session: AsyncSession, employee_id: str) -> None:
    """One person's violations take turns: SAN-3 acts, repeats and the shift cap see each other (SAN-2, SAN-3)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended('sanctions:employee:' || :employee, 0))"),
        {"employee": employee_id},
    )


async def earlier_offences(
    session: AsyncSession,
    employee_id: str,
    clause: str,
    until: datetime,
    since: datetime | None,
    act_key: str | None,
    *,
    exclude: uuid.UUID | None = None,
) -> int:
    query = select(func.count()).where(
        Notice.employee_id == employee_id,
        Notice.clause == clause,
        Notice.status.in_(COUNTED),
        Notice.occurred_at <= until,
    )
    if since is not None:
        query = query.where(Notice.occurred_at >= since)
    if act_key is not None:
        query = query.where(Notice.act_key.is_distinct_from(act_key))
    if exclude is not None:
        query = query.where(Notice.id != exclude)
    return int(await session.scalar(query) or 0)


async def later_drafts(session: AsyncSession, employee_id: str, clause: str, since: datetime) -> list[Notice]:
    """The person's drafts under ``clause`` that occurred at or after ``since``, locked (SAN-2 repeats)."""
    await session.flush()
    query = (
        select(Notice)
        .where(
            Notice.employee_id == employee_id,
            Notice.clause == clause,
            Notice.status == Status.DRAFT.value,
            Notice.occurred_at >= since,
        )
        .order_by(Notice.occurred_at, Notice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


async def violation_of(session: AsyncSession, violation_id: uuid.UUID) -> Violation | None:
    return await session.get(Violation, violation_id)


async def pieces_in_shift(session: AsyncSession, employee_id: str, clause: str, shift: str) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Notice.pieces), 0)).where(
            Notice.employee_id == employee_id,
            Notice.clause == clause,
            Notice.shift == shift,
            Notice.status.in_(COUNTED),
        )
    )
    return int(total or 0)


async def add(session: AsyncSession, violation: Violation, notice: Notice) -> None:
    session.add(violation)
    await session.flush()
    session.add(notice)
    await session.flush()


async def add_steps(session: AsyncSession, steps: list[NoticeStep]) -> None:
    session.add_all(steps)
    await session.flush()


async def act_members(session: AsyncSession, employee_id: str, act_key: str) -> list[Notice]:
    """The act's notices, locked; pending changes are written first so the reload cannot undo them."""
    await session.flush()
    query = (
        select(Notice)
        .where(Notice.employee_id == employee_id, Notice.act_key == act_key)
        .order_by(Notice.created_at, Notice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


async def charged_of(session: AsyncSession, notice_id: uuid.UUID) -> Row[str | None] | None:
    """The notice's person (``employee_id``, null for a department's draft), or None when there is no notice."""
    return (await session.execute(select(Notice.employee_id).where(Notice.id == notice_id))).first()


async def get(session: AsyncSession, notice_id: uuid.UUID, *, for_update: bool = False) -> Notice | None:
    query = select(Notice).where(Notice.id == notice_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def steps_of(session: AsyncSession, notice_id: uuid.UUID) -> list[NoticeStep]:
    query = select(NoticeStep).where(NoticeStep.notice_id == notice_id).order_by(NoticeStep.id)
    return list((await session.scalars(query)).all())


# Newest drafted first.
KEYSET = Keyset((Notice.created_at, Notice.id), (datetime.fromisoformat, uuid.UUID))


def search(where: NoticeQuery, employee_id: str | None) -> Select[Notice]:
    """The notices ``where`` asks for, of ``employee_id`` (the reader's own, or any when ``None``)."""
    return where_given(
        select(Notice),
        (Notice.employee_id, employee_id),
        (Notice.incident_id, where.incident_id),
        (Notice.month, where.month),
        (Notice.status, where.status),
        (Notice.clause, where.clause),
    )


async def claim_incident_draft(session: AsyncSession, incident_id: str, clause: str, notice_id: uuid.UUID) -> bool:
    """SAN-6: true only for the first claim of (incident, clause); later deliveries find it taken."""
    claimed = await session.scalar(
        insert(IncidentDraft)
        .values(incident_id=incident_id, clause=clause, notice_id=notice_id)
        .on_conflict_do_nothing()
        .returning(IncidentDraft.notice_id)
    )
    return claimed is not None


async def of_month(
    session: AsyncSession, month: str, statuses: tuple[str, ...], *, for_update: bool = False
) -> list[Notice]:
    query = (
        select(Notice)
        .where(Notice.month == month, Notice.status.in_(statuses))
        .order_by(Notice.employee_id, Notice.created_at)
    )
    if for_update:
        await session.flush()
        query = query.with_for_update().execution_options(populate_existing=True)
    return list((await session.scalars(query)).all())
