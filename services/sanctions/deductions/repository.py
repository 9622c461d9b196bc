"""All SQL of supplier deductions."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.deductions.models import SupplierDeduction
from services.sanctions.deductions.schemas import DeductionFilter
from shared.http.pagination import Keyset
from shared.queries import Selected, where_given


async def record_all(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """A deduction already recorded (same id) is kept as it is."""
    if rows:
        await session.execute(insert(SupplierDeduction).values(rows).on_conflict_do_nothing())


async def totals(session: AsyncSession, where: DeductionFilter) -> Sequence[Row[str, str, Decimal, int]]:
    query = select(
        SupplierDeduction.supplier,
        SupplierDeduction.month,
        func.sum(SupplierDeduction.amount).label("total"),
        func.count().label("deductions"),
    ).group_by(SupplierDeduction.supplier, SupplierDeduction.month)
    query = _narrowed(query, where).order_by(SupplierDeduction.month.desc(), SupplierDeduction.supplier)
    return (await session.execute(query)).all()


# Newest first.
KEYSET = Keyset((SupplierDeduction.occurred_at, SupplierDeduction.deduction_id), (datetime.fromisoformat, str))


def search(where: DeductionFilter) -> Select[SupplierDeduction]:
    return _narrowed(select(SupplierDeduction), where)


def _narrowed(query: Select[*Selected], where: DeductionFilter) -> Select[*Selected]:
    return where_given(query, (SupplierDeduction.month, where.month), (SupplierDeduction.supplier, where.supplier))
