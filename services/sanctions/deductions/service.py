"""Supplier deduction decisions (SAN-7, never commits)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses.rules import money
from services.sanctions.deductions import repository
from services.sanctions.deductions.models import SupplierDeduction
from services.sanctions.deductions.schemas import DeductionOut
from services.sanctions.summaries.rules import month_of
from shared.events.classification import SupplierDeductionRecordedV1


async def record(session: AsyncSession, deductions: list[SupplierDeductionRecordedV1]) -> None:
    """SAN-7: each concession deduction (CLS-6) counts against its supplier in its China-time month."""
    await repository.record_all(
        session,
        [
            {
                "deduction_id": d.deduction_id,
                "incident_id": d.incident_id,
                "supplier": d.supplier,
                "concession_kind": d.concession_kind,
                "hours": d.hours,
                "rate_per_hour": money(d.rate_per_hour),
                "amount": money(d.amount),
                "occurred_at": d.occurred_at,
                "month": month_of(d.occurred_at),
            }
            for d in {d.deduction_id: d for d in deductions}.values()
        ],
    )


def to_out(deduction: SupplierDeduction) -> DeductionOut:
    return DeductionOut.model_validate(
        {c.key: getattr(deduction, c.key) for c in SupplierDeduction.__table__.columns if c.key != "recorded_at"}
    )
