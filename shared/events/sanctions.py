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
    # Set when administration closed the month before it ended (SAN-5).
    force_reason: str | None = None

    def subject(self) -> str:
        return self.month


class NoticeStepEvent(EventData):
    """One step of a notice (SAN-4); keyed by notice id so a notice's steps stay in order."""

    TOPIC: ClassVar[str] = topics.NOTICES
    SOURCE: ClassVar[str] = "sanctions"

    notice_id: str
    clause: str
    kind: str
    # None for an incident draft that names only the department (SAN-6).
    employee_id: str | None = None
    employee_name: str | None = None
    department: str | None = None
    status: str
    amount: Decimal
    dismissal: bool = False
    month: str
    incident_id: str | None = None
    actor: str
    at: datetime
    note: str | None = None

    def subject(self) -> str:
        return self.notice_id


@register
class NoticeStampedV1(NoticeStepEvent):
    TYPE: ClassVar[str] = "qms.sanctions.notice.stamped.v1"


@register
class NoticeWithdrawnV1(NoticeStepEvent):
    TYPE: ClassVar[str] = "qms.sanctions.notice.withdrawn.v1"

    previous_status: str


@register
class NoticeSupersededV1(NoticeStepEvent):
    """SAN-3: another notice of the same act is charged instead."""

    TYPE: ClassVar[str] = "qms.sanctions.notice.superseded.v1"

    superseded_by: str
    act_key: str


@register
class NoticeRestoredV1(NoticeStepEvent):
    """SAN-3: the notice that outranked it was withdrawn; it is charged again, as a draft."""

    TYPE: ClassVar[str] = "qms.sanctions.notice.restored.v1"

    act_key: str


@register
class NoticeAmendedV1(NoticeStepEvent):
    """§6.5: administration's dispute decision changed the amount."""

    TYPE: ClassVar[str] = "qms.sanctions.notice.amended.v1"

    previous_amount: Decimal


@register
class NoticeDisputedV1(NoticeStepEvent):
    """§6.5: the dispute goes to administration."""

    TYPE: ClassVar[str] = "qms.sanctions.notice.disputed.v1"

    reason: str


@register
class NoticeDisputeDecidedV1(NoticeStepEvent):
    """§6.5: administration's decision, final (SAN-4, rev. 2026-12)."""

    TYPE: ClassVar[str] = "qms.sanctions.notice.dispute_decided.v1"

    outcome: str
