"""SAN-1, SAN-4, SAN-5 orchestration in the service layer: the catalog the migrations leave, a notice's
issue and a month's close, with their steps and events, in the caller's transaction."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses.catalog import DEFAULT_CATALOG
from services.sanctions.notices import service as notices
from services.sanctions.notices.models import Notice
from services.sanctions.notices.schemas import Employee, IssueIn, ViolationIn
from services.sanctions.summaries import service as summaries
from services.sanctions.summaries.schemas import CloseIn
from shared.auth import Principal
from tests.service.outbox import outbox_event_types

CHINA = ZoneInfo("Asia/Shanghai")
QUALITY = Principal(sub="E-05", name="王芳", department="quality", roles=["quality_manager"])
ADMINISTRATION = Principal(sub="E-09", name="李静", department="admin", roles=["admin_dept"])


async def draft(session: AsyncSession, employee: str, clause: str = "5.1.1.3") -> Notice:
    violation = ViolationIn(
        clause=clause,
        occurred_at=datetime(2026, 10, 12, 9, 0, tzinfo=CHINA),
        employee=Employee(id=employee, name="张伟", department="质量部"),
    )
    _, notice, _ = await notices.record_violation(session, violation, QUALITY.sub)
    return notice


async def test_san1_version_1_of_the_catalog_in_the_database_is_the_catalog_file(
    sanctions_session: AsyncSession,
) -> None:
    rows = await sanctions_session.execute(
        text(
            "SELECT code, kind, target, summary, text, variants FROM sanctions.clauses WHERE version = 1 ORDER BY code"
        )
    )
    migrated = {row.code: (row.kind, row.target, row.summary, row.text, row.variants) for row in rows}
    from_file = {
        clause.code: (
            clause.kind.value,
            clause.target,
            clause.summary,
            clause.text,
            {name: rule.to_json() for name, rule in clause.variants.items()},
        )
        for clause in DEFAULT_CATALOG
    }
    assert migrated == from_file


async def test_san4_issuing_a_draft_records_who_and_when_and_publishes_notice_issued(
    sanctions_session: AsyncSession,
) -> None:
    notice = await draft(sanctions_session, "E-101")
    issued = await notices.issue(sanctions_session, notice.id, IssueIn(), QUALITY)
    assert (issued.status, issued.issued_by, issued.amount, issued.month) == (
        "issued",
        "E-05",
        Decimal("50.00"),
        "2026-10",
    )
    assert issued.issued_at is not None
    assert await outbox_event_types(sanctions_session) == ["qms.sanctions.notice.issued.v1"]


async def test_san5_closing_a_month_sums_its_stamped_notices_and_publishes_summary_closed(
    sanctions_session: AsyncSession,
) -> None:
    notice = await draft(sanctions_session, "E-102")
    await notices.issue(sanctions_session, notice.id, IssueIn(), QUALITY)
    await notices.stamp(sanctions_session, notice.id, None, ADMINISTRATION)
    closed = await summaries.close(sanctions_session, "2026-10", CloseIn(), ADMINISTRATION)
    assert (closed.status, closed.totals.penalties, closed.totals.notice_count) == ("closed", Decimal("50.00"), 1)
    assert [line.employee_id for line in closed.people] == ["E-102"]
    await sanctions_session.refresh(notice)
    assert notice.status == "summarized"
    assert (await outbox_event_types(sanctions_session))[-1] == "qms.sanctions.summary.closed.v1"
