"""ERP return decisions and their events (never commits: the route's transaction does)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.returns import repository
from services.intake.returns.models import ReturnLine
from services.intake.returns.rules import sort_lines
from services.intake.returns.schemas import BatchResult, ReturnLineIn, ReturnLineOut
from shared.events.intake import ReturnRecordedV1
from shared.outbox import add_events


async def record_batch(session: AsyncSession, raw_lines: list[object], pushed_by: str) -> BatchResult:
    """RET-1/RET-2: keeps every good line not seen before and announces each one once
    (``return.recorded``, keyed ``model|production_date`` for CLS-2)."""
    sorted_lines = sort_lines(raw_lines)
    inserted = await repository.insert_new_lines(session, sorted_lines.valid, pushed_by)
    accepted = [line for line in sorted_lines.valid if line.line_id in inserted]
    await add_events(session, [recorded_event(line) for line in accepted])
    return BatchResult(
        accepted=len(accepted),
        duplicates=len(sorted_lines.valid) - len(accepted) + sorted_lines.repeated_in_batch,
        rejected=sorted_lines.rejected,
    )


def recorded_event(line: ReturnLineIn) -> ReturnRecordedV1:
    return ReturnRecordedV1(
        line_id=line.line_id,
        model=line.model,
        production_date=line.production_date,
        batch_no=line.batch_no,
        shipped_batch_no=line.shipped_batch_no,
        quantity=line.quantity,
        customer_id=line.customer_id,
        reason=line.reason,
        returned_at=line.returned_at,
    )


def to_out(line: ReturnLine) -> ReturnLineOut:
    return ReturnLineOut.model_validate(line, from_attributes=True)
