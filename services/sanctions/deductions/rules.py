"""SAN-7 as pure code: which rows a batch of concession deductions becomes."""

from typing import Any

from services.sanctions.clauses.rules import money
from services.sanctions.summaries.rules import month_of
from shared.events.classification import SupplierDeductionRecordedV1


def rows_for(deductions: list[SupplierDeductionRecordedV1]) -> list[dict[str, Any]]:
    """One row per deduction id (a redelivery inside one batch counts once), in its China-time month."""
    unique = {d.deduction_id: d for d in deductions}
    return [
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
        for d in unique.values()
    ]
