"""Monthly close decisions (SAN-5) and their event (never commits)."""

from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses.rules import money
from services.sanctions.notices import repository as notices
from services.sanctions.notices.models import Notice, NoticeStep
from services.sanctions.notices.rules import DisputeStatus, Status
from services.sanctions.notices.service import notice_step
from services.sanctions.summaries import repository
from services.sanctions.summaries.models import ClosedMonth, SummaryLine
from services.sanctions.summaries.rules import (
    CHINA,
    NoticeFacts,
    PersonLine,
    check_closable,
    check_month,
    department_totals,
    first_open_month,
    next_month,
    summarize,
)
from services.sanctions.summaries.schemas import CloseIn, DepartmentTotalOut, PersonLineOut, SummaryOut, TotalsOut
from shared import clock
from shared.auth import Principal
from shared.errors import conflict
from shared.events.sanctions import SummaryClosedV1
from shared.messaging.outbox import add_event
from shared.schemas import attributes_of

# What is still moving on when its month closes; it falls into the next open month.
CARRIED_OVER = (Status.DRAFT.value, Status.ISSUED.value, Status.STAMPED.value, Status.SUPERSEDED.value)


def _facts(notice: Notice) -> NoticeFacts:
    # Only stamped notices are summed, and a notice is issued only once it names its person (SAN-6).
    assert notice.employee_id is not None
    return NoticeFacts(**_fields_of(notice, NoticeFacts))


def _fields_of(source: object, shape: type[Any]) -> dict[str, Any]:
    return {field.name: getattr(source, field.name) for field in fields(shape)}


def summarizable(notice: Notice) -> bool:
    """§6.3: stamped originals are summarized; one under an open dispute waits for administration's decision."""
    return notice.status == Status.STAMPED.value and notice.dispute_status != DisputeStatus.OPEN.value


async def close(session: AsyncSession, month: str, body: CloseIn, principal: Principal) -> SummaryOut:
    """SAN-5: fixes the month's lines; its stamped notices become summarized, the rest move on a month."""
    check_closable(month, clock.now().astimezone(CHINA).date(), forced=body.force)
    await repository.lock_months(session, exclusive=True)
    if await repository.get_closed(session, month) is not None:
        raise conflict("month_closed", f"{month} is already closed; a closed month is immutable")
    in_month = await notices.of_month(session, month, CARRIED_OVER, for_update=True)
    charged = [notice for notice in in_month if summarizable(notice)]
    lines = summarize(_facts(notice) for notice in charged)
    now = clock.now()
    closed = ClosedMonth(
        month=month,
        closed_by=principal.sub,
        closed_at=now,
        total_rewards=money(sum((line.rewards for line in lines), Decimal(0))),
        total_penalties=money(sum((line.penalties for line in lines), Decimal(0))),
        total_compensation=money(sum((line.compensation for line in lines), Decimal(0))),
        notice_count=len(charged),
        force_reason=body.reason,
    )
    await repository.add_closed(session, closed, [_line_row(month, line) for line in lines])
    following = first_open_month(next_month(month), await repository.closed_from(session, month))
    await notices.add_steps(session, [_settle(notice, month, following, principal.sub, now) for notice in in_month])
    await add_event(session, SummaryClosedV1(**attributes_of(closed, SummaryClosedV1), people=len(lines)))
    return view(month, lines, closed)


def _settle(notice: Notice, month: str, following: str, actor: str, now: datetime) -> NoticeStep:
    before = notice.status
    if summarizable(notice):
        notice.status, action, detail = Status.SUMMARIZED.value, "summarized", {"month": month}
    else:
        notice.month, action, detail = following, "carried_over", {"from_month": month, "to_month": following}
    notice.updated_at = now
    return notice_step(notice, action, before, actor, now, **detail)


def _line_row(month: str, line: PersonLine) -> SummaryLine:
    return SummaryLine(month=month, **line.__dict__)


def _line_of(row: SummaryLine) -> PersonLine:
    return PersonLine(**_fields_of(row, PersonLine))


async def summary(session: AsyncSession, month: str) -> tuple[list[PersonLine], SummaryOut]:
    """A closed month's fixed lines, or an open month's preview from its stamped notices."""
    check_month(month)
    closed = await repository.get_closed(session, month)
    if closed is not None:
        lines = [_line_of(row) for row in await repository.lines_of(session, month)]
    else:
        in_month = await notices.of_month(session, month, (Status.STAMPED.value,))
        lines = summarize(_facts(notice) for notice in in_month if summarizable(notice))
    return lines, view(month, lines, closed)


def view(month: str, lines: list[PersonLine], closed: ClosedMonth | None) -> SummaryOut:
    departments = department_totals(lines)
    return SummaryOut(
        month=month,
        status="closed" if closed else "open",
        closed_by=closed.closed_by if closed else None,
        closed_at=closed.closed_at if closed else None,
        force_reason=closed.force_reason if closed else None,
        people=[PersonLineOut.model_validate(line.__dict__) for line in lines],
        departments=[DepartmentTotalOut.model_validate(total.__dict__) for total in departments],
        totals=TotalsOut(
            rewards=money(sum((line.rewards for line in lines), Decimal(0))),
            penalties=money(sum((line.penalties for line in lines), Decimal(0))),
            compensation=money(sum((line.compensation for line in lines), Decimal(0))),
            net=money(sum((line.net for line in lines), Decimal(0))),
            people=len(lines),
            notice_count=sum(line.notice_count for line in lines),
        ),
    )
