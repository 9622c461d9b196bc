"""All SQL of customer complaints (CRM-7)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.complaints.models import CustomerComplaint

FINISHED = ("closed", "rejected")
NEVER: ColumnElement[datetime] = literal_column("'-infinity'::timestamptz")


async def upsert_received(session: AsyncSession, values: dict[str, Any]) -> None:
    """A received event fills the row; a status seen earlier (redelivery, replay) is not rolled back."""
    statement = insert(CustomerComplaint).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[CustomerComplaint.complaint_id],
            set_={
                "complaint_no": statement.excluded.complaint_no,
                "customer_id": statement.excluded.customer_id,
                "kind": statement.excluded.kind,
                "description": statement.excluded.description,
                "received_at": statement.excluded.received_at,
                "updated_at": statement.excluded.updated_at,
            },
        )
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


async def page_of_customer(
    session: AsyncSession, customer_id: str, after: tuple[datetime, str] | None, limit: int
) -> list[CustomerComplaint]:
    received = func.coalesce(CustomerComplaint.received_at, CustomerComplaint.updated_at)
    query = select(CustomerComplaint).where(CustomerComplaint.customer_id == customer_id)
    if after is not None:
        query = query.where(tuple_(received, CustomerComplaint.complaint_id) < tuple_(*after))
    query = query.order_by(received.desc(), CustomerComplaint.complaint_id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


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
