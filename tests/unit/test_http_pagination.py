"""SPEC §9 lists: the cursor of a page is the keyset of its last item, read back as it was."""

import uuid
from datetime import UTC, datetime

from services.intake.complaints.models import Complaint
from services.intake.complaints.repository import KEYSET
from shared.http.pagination import cursor_after, decode_keyset


def test_a_page_cursor_reads_back_as_the_keyset_of_its_last_item() -> None:
    last = Complaint(id=uuid.uuid4(), received_at=datetime(2026, 11, 24, 1, 30, tzinfo=UTC))

    after = decode_keyset(cursor_after(last, KEYSET), *KEYSET.parsers)

    assert after == (last.received_at, last.id)
