"""CRM-7: crm's copy of intake's complaints per customer (never commits)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.crm.complaints import repository
from services.crm.complaints.schemas import ComplaintSummary
from shared import clock
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1
from shared.http.pagination import page_of
from shared.schemas import ListQuery

RECENT = 20


async def record_received(session: AsyncSession, complaints: list[ComplaintReceivedV1]) -> None:
    # A complaint of no known customer has no place in the customer view; a complaint received twice
    # in one batch (a replay) is one row.
    latest = {c.complaint_id: c for c in complaints if c.customer_id is not None}
    if latest:
        await repository.upsert_received(session, list(latest.values()), clock.now())


async def record_status(session: AsyncSession, change: ComplaintStatusChangedV1) -> None:
    if change.customer_id is None:
        return
    await repository.upsert_status(
        session,
        {
            "complaint_id": change.complaint_id,
            "customer_id": change.customer_id,
            "complaint_no": change.complaint_no,
            "kind": None,
            "severity": change.severity,
            "status": change.to_status,
            "description": None,
            "received_at": None,
            "status_changed_at": change.changed_at,
            "updated_at": clock.now(),
        },
    )


async def summary_of(session: AsyncSession, customer_id: str) -> ComplaintSummary:
    total, still_open, serious = await repository.counts_of_customer(session, customer_id)
    recent = await page_of(session, repository.of_customer(customer_id), repository.KEYSET, ListQuery(limit=RECENT))
    return ComplaintSummary.model_validate(
        {"total": total, "open": still_open, "serious": serious, "recent": recent.items}
    )
