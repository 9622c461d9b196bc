"""All SQL of supplier deductions."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.deductions.models import SupplierDeduction


async def record_all(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """A deduction already recorded (same id) is kept as it is."""
    if rows:
        await session.execute(insert(SupplierDeduction).values(rows).on_conflict_do_nothing())


async def totals(
    session: AsyncSession, *, month: str | None, supplier: str | None
) -> Sequence[Row[str, str, Decimal, int]]:
    query = select(
        SupplierDeduction.supplier,
        SupplierDeduction.month,
        func.sum(SupplierDeduction.amount).label("total"),
        func.count().label("deductions"),
    ).group_by(SupplierDeduction.supplier, SupplierDeduction.month)
    if month is not None:
        query = query.where(SupplierDeduction.month == month)
    if supplier is not None:
        query = query.where(SupplierDeduction.supplier == supplier)
    query = query.order_by(SupplierDeduction.month.desc(), SupplierDeduction.supplier)
    return (await session.execute(query)).all()


async def search(
    session: AsyncSession,
    *,
    month: str | None,
    supplier: str | None,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[SupplierDeduction]:
    query = select(SupplierDeduction)
    if month is not None:
        query = query.where(SupplierDeduction.month == month)
    if supplier is not None:
        query = query.where(SupplierDeduction.supplier == supplier)
    if after is not None:
        query = query.where(tuple_(SupplierDeduction.occurred_at, SupplierDeduction.deduction_id) < tuple_(*after))
    query = query.order_by(SupplierDeduction.occurred_at.desc(), SupplierDeduction.deduction_id.desc()).limit(limit)
    return list((await session.scalars(query)).all())
