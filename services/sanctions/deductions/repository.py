"""All SQL of supplier deductions."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.deductions.models import SupplierDeduction
from shared.http.pagination import Keyset


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


# Newest first.
KEYSET = Keyset((SupplierDeduction.occurred_at, SupplierDeduction.deduction_id), (datetime.fromisoformat, str))


def search(*, month: str | None, supplier: str | None) -> Select[SupplierDeduction]:
    query = select(SupplierDeduction)
    if month is not None:
        query = query.where(SupplierDeduction.month == month)
    if supplier is not None:
        query = query.where(SupplierDeduction.supplier == supplier)
    return query
