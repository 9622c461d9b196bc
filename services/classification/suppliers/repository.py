"""All SQL of supplier material issues and deductions."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.suppliers.models import SupplierDeduction, SupplierIssue


async def add_issue(session: AsyncSession, issue: SupplierIssue) -> None:
    session.add(issue)
    await session.flush()


async def issue(session: AsyncSession, incident_id: uuid.UUID) -> SupplierIssue | None:
    return await session.get(SupplierIssue, incident_id)


async def add_deduction(session: AsyncSession, deduction: SupplierDeduction) -> None:
    session.add(deduction)
    await session.flush()


async def deductions(session: AsyncSession, incident_id: uuid.UUID) -> list[SupplierDeduction]:
    query = (
        select(SupplierDeduction)
        .where(SupplierDeduction.incident_id == incident_id)
        .order_by(SupplierDeduction.created_at, SupplierDeduction.id)
    )
    return list((await session.scalars(query)).all())
