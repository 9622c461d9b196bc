"""All SQL of customer complaints (CRM-7)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.complaints.models import CustomerComplaint
from shared.events.intake import ComplaintReceivedV1
from shared.http.pagination import Keyset

FINISHED = ("closed", "rejected")
NEVER: ColumnElement[datetime] = literal_column("'-infinity'::timestamptz")


_UPSERT_RECEIVED = text(
    "INSERT INTO crm.customer_complaints AS t "
    "(complaint_id, customer_id, complaint_no, kind, severity, status, description, received_at, updated_at) "
    "SELECT c.*, CAST(:updated_at AS timestamptz) FROM unnest(CAST(:ids AS text[]), CAST(:customers AS text[]), "
    "CAST(:numbers AS text[]), CAST(:kinds AS text[]), CAST(:severities AS text[]), CAST(:statuses AS text[]), "
    "CAST(:descriptions AS text[]), CAST(:received AS timestamptz[])) AS c ORDER BY 1 "
    "ON CONFLICT (complaint_id) DO UPDATE SET complaint_no = EXCLUDED.complaint_no, "
    "customer_id = EXCLUDED.customer_id, kind = EXCLUDED.kind, description = EXCLUDED.description, "
    "received_at = EXCLUDED.received_at, updated_at = EXCLUDED.updated_at"
)


async def upsert_received(session: AsyncSession, complaints: list[ComplaintReceivedV1], updated_at: datetime) -> None:
    """Received events fill their rows, one statement for a whole batch (one complaint each, rows in id
    order so two consumers never deadlock); a status seen earlier (redelivery, replay) is not rolled
    back."""
    await session.execute(
        _UPSERT_RECEIVED,
        {
            "ids": [c.complaint_id for c in complaints],
            "customers": [c.customer_id for c in complaints],
            "numbers": [c.complaint_no for c in complaints],
            "kinds": [c.kind for c in complaints],
            "severities": [c.severity for c in complaints],
            "statuses": [c.status for c in complaints],
            "descriptions": [c.description for c in complaints],
            "received": [c.received_at for c in complaints],
            "updated_at": updated_at,
        },
    )


async def upsert_status(session: AsyncSession, values: dict[str, Any]) -> None:
    """A status change applies only if it is newer than the status the row holds."""
    statement = insert(CustomerComplaint).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CustomerComplaint.complaint_id],
            set_={
                "status": statement.excluded.status,
                "severity": statement.excluded.severity,
                "status_changed_at": statement.excluded.status_changed_at,
                "updated_at": statement.excluded.updated_at,
            },
            where=func.coalesce(CustomerComplaint.status_changed_at, CustomerComplaint.received_at, NEVER)
            <= statement.excluded.status_changed_at,
        )
    )


# Newest received first; a complaint known only from a status change sorts by when crm learnt of it.
KEYSET = Keyset(
    (func.coalesce(CustomerComplaint.received_at, CustomerComplaint.updated_at), CustomerComplaint.complaint_id),
    (datetime.fromisoformat, str),
    values_of=lambda complaint: (complaint.received_at or complaint.updated_at, complaint.complaint_id),
)


def of_customer(customer_id: str) -> Select[CustomerComplaint]:
    return select(CustomerComplaint).where(CustomerComplaint.customer_id == customer_id)


async def counts_of_customer(session: AsyncSession, customer_id: str) -> tuple[int, int, int]:
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(case((CustomerComplaint.status.not_in(FINISHED), 1))),
                func.count(case((CustomerComplaint.severity == "serious", 1))),
            ).where(CustomerComplaint.customer_id == customer_id)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
