"""SAN-7: concession deductions become one row per deduction, in their China-time month."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from services.sanctions.deductions.rules import rows_for
from shared.events.classification import SupplierDeductionRecordedV1


def deduction(deduction_id: str, amount: str, at: datetime) -> SupplierDeductionRecordedV1:
    return SupplierDeductionRecordedV1(
        deduction_id=deduction_id,
        incident_id=str(uuid.uuid4()),
        supplier="宁波某铸件厂",
        concession_kind="sorting",
        hours=Decimal("1.5"),
        rate_per_hour=Decimal("80"),
        amount=Decimal(amount),
        occurred_at=at,
    )


def test_san7_a_deduction_redelivered_in_one_batch_counts_once() -> None:
    at = datetime(2026, 11, 3, tzinfo=UTC)
    rows = rows_for([deduction("D-1", "120", at), deduction("D-1", "120", at), deduction("D-2", "30", at)])
    assert [row["deduction_id"] for row in rows] == ["D-1", "D-2"]


def test_san7_a_deduction_counts_in_its_china_time_month() -> None:
    (row,) = rows_for([deduction("D-1", "120", datetime(2026, 11, 30, 16, 0, tzinfo=UTC))])
    assert row["month"] == "2026-12"


def test_san7_amounts_are_kept_with_two_decimals() -> None:
    (row,) = rows_for([deduction("D-1", "120.5", datetime(2026, 11, 3, tzinfo=UTC))])
    assert (row["amount"], row["rate_per_hour"]) == (Decimal("120.50"), Decimal("80.00"))
