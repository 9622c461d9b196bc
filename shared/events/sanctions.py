"""Events sanctions produces (SPEC §1)."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from shared.events import topics
from shared.events.registry import EventData, register


@register
class NoticeIssuedV1(EventData):
    TYPE: ClassVar[str] = "qms.sanctions.notice.issued.v1"
    TOPIC: ClassVar[str] = topics.NOTICES
    SOURCE: ClassVar[str] = "sanctions"

    notice_id: str
    clause: str
    kind: str
    employee_id: str
    employee_name: str | None = None
    department: str | None = None
    amount: Decimal
    compensation: Decimal = Decimal("0.00")
    dismissal: bool = False
    month: str
    issued_by: str
    issued_at: datetime
    incident_id: str | None = None
    # The case of the clause and the catalog version the amount was computed under (SAN-1).
    variant: str | None = None
    catalog_version: int | None = None

    def subject(self) -> str:
        return self.notice_id


@register
class SummaryClosedV1(EventData):
    TYPE: ClassVar[str] = "qms.sanctions.summary.closed.v1"
    TOPIC: ClassVar[str] = topics.NOTICES
    SOURCE: ClassVar[str] = "sanctions"

    month: str
    closed_by: str
    closed_at: datetime
    total_rewards: Decimal
    total_penalties: Decimal
    notice_count: int
    # Losses borne by operators (5.2.3.2, 5.1.5.1), kept apart from the penalties (SAN-2).
    total_compensation: Decimal = Decimal("0.00")
    people: int = 0

    def subject(self) -> str:
        return self.month
