"""SPEC §9 lists: the cursor of a page is the keyset of its last item, read back as it was."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql

from services.crm.complaints.models import CustomerComplaint
from services.crm.complaints.repository import KEYSET as COMPLAINTS
from services.crm.visits.models import VisitPlan
from services.crm.visits.repository import PLAN_KEYSET as PLANS
from services.intake.complaints.models import Complaint
from services.intake.complaints.repository import KEYSET
from shared.http.pagination import cursor_after, decode_keyset, page_of
from shared.schemas import ListQuery


def test_a_page_cursor_reads_back_as_the_keyset_of_its_last_item() -> None:
    last = Complaint(id=uuid.uuid4(), received_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC))

    after = decode_keyset(cursor_after(last, KEYSET), *KEYSET.parsers)

    assert after == (last.received_at, last.id)


def test_an_expression_keyset_cursor_reads_back_as_the_values_its_item_gives() -> None:
    known_from_a_status_change = CustomerComplaint(
        complaint_id="c-1", received_at=None, updated_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    )

    after = decode_keyset(cursor_after(known_from_a_status_change, COMPLAINTS), *COMPLAINTS.parsers)

    assert after == (known_from_a_status_change.updated_at, "c-1")


class _Rows:
    def all(self) -> list[object]:
        return []


class _Session:
    """Keeps the query ``page_of`` sends instead of running it."""

    query: Any = None

    async def scalars(self, query: Any) -> _Rows:
        self.query = query
        return _Rows()


def _sql(query: Any) -> str:
    return str(query.compile(dialect=postgresql.dialect()))


async def test_an_ascending_keyset_continues_after_its_cursor_soonest_first() -> None:
    session = _Session()
    cursor = cursor_after(VisitPlan(id=uuid.uuid4(), due_on=date(2026, 11, 30)), PLANS)

    await page_of(session, select(VisitPlan), PLANS, ListQuery(cursor=cursor, limit=10))  # type: ignore[arg-type]

    sql = _sql(session.query)
    assert "(crm.visit_plans.due_on, crm.visit_plans.id) > (" in sql
    assert "ORDER BY crm.visit_plans.due_on ASC, crm.visit_plans.id ASC" in sql


async def test_a_keyset_without_direction_continues_after_its_cursor_newest_first() -> None:
    session = _Session()
    cursor = cursor_after(Complaint(id=uuid.uuid4(), received_at=datetime(2026, 11, 24, tzinfo=UTC)), KEYSET)

    await page_of(session, select(Complaint), KEYSET, ListQuery(cursor=cursor, limit=10))  # type: ignore[arg-type]

    sql = _sql(session.query)
    assert "intake.complaints.id) < (" in sql
    assert "ORDER BY intake.complaints.received_at DESC, intake.complaints.id DESC" in sql
