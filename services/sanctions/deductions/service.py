"""Supplier deduction decisions (SAN-7, never commits)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.deductions import repository
from services.sanctions.deductions.rules import rows_for
from shared.events.classification import SupplierDeductionRecordedV1


async def record(session: AsyncSession, deductions: list[SupplierDeductionRecordedV1]) -> None:
    """SAN-7: each concession deduction (CLS-6) counts against its supplier; a known id is kept as it is."""
    await repository.record_all(session, rows_for(deductions))
