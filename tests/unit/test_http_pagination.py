"""SPEC §9 lists: the cursor of a page is the keyset of its last item, read back as it was."""

import asyncio
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, select

from services.intake.complaints.models import Complaint
from services.intake.complaints.repository import KEYSET
from shared.http.pagination import Keyset, cursor_after, decode_keyset, page_of


def test_a_page_cursor_reads_back_as_the_keyset_of_its_last_item() -> None:
    last = Complaint(id=uuid.uuid4(), received_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC))

    after = decode_keyset(cursor_after(last, KEYSET), *KEYSET.parsers)

    assert after == (last.received_at, last.id)


class _Found:
    def __init__(self) -> None:
        self.query: Select[Any] | None = None

    async def scalars(self, query: Select[Any]) -> SimpleNamespace:
        self.query = query
        return SimpleNamespace(all=list)


def test_an_ascending_keyset_continues_after_the_cursor_oldest_first() -> None:
    oldest_first = Keyset((Complaint.id,), (uuid.UUID,), ascending=True)
    session = _Found()

    cursor = cursor_after(Complaint(id=uuid.uuid4()), oldest_first)

    asyncio.run(page_of(session, select(Complaint), oldest_first, cursor, 10))  # type: ignore[arg-type]

    sql = str(session.query).replace("\n", " ")
    assert sql.endswith("WHERE (intake.complaints.id) > (:param_1) ORDER BY intake.complaints.id ASC  LIMIT :param_2")
