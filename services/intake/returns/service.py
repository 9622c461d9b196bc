"""ERP return decisions and their events (never commits: the route's transaction does)."""

from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.returns import repository
from services.intake.returns.rules import (
    duplicate_line_ids,
    named_complaints,
    sort_lines,
    without_unknown_complaints,
)
from services.intake.returns.schemas import BatchResult


async def record_batch(session: AsyncSession, raw_lines: list[object], pushed_by: str) -> BatchResult:
    """RET-1/RET-2: keeps every good line not seen before and announces each one once
    (``return.recorded``, keyed ``model|production_date`` for CLS-2)."""
    sorted_lines = sort_lines(raw_lines)
    named = named_complaints(sorted_lines.valid)
    if named:
        known = await repository.product_complaints_among(session, named)
        sorted_lines = without_unknown_complaints(sorted_lines, known)
    stored = await repository.insert_new_lines_with_events(session, sorted_lines.valid, pushed_by)
    return BatchResult(
        accepted=len(stored),
        duplicates=len(sorted_lines.valid) - len(stored) + len(sorted_lines.repeated_in_batch),
        duplicate_line_ids=duplicate_line_ids(sorted_lines, stored),
        rejected=sorted_lines.rejected,
    )
