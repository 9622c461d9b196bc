"""Complaints in intake's service layer: the number, deadlines, severity, history and event a received
complaint gets (CMP-2, CMP-3, CMP-5, CMP-8), lifecycle steps and their refusals (CMP-4, CMP-7), the
overdue count and recomputed deadlines (CMP-3) and the comparison (CMP-6), in the caller's transaction.

The number is taken as the route takes it: on a session of its own, outside the complaint's
transaction, where the day's counter is kept at once (CMP-2); the counters and tiers a test keeps
there are deleted after it."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from services.intake.complaints import service
from services.intake.complaints.models import Complaint, ComplaintHistory
from services.intake.complaints.rules import Action
from services.intake.complaints.schemas import ComplaintIn, InvestigateIn, RejectIn, ReplyIn
from shared import clock
from shared.auth import Principal
from shared.calendar_store import load_calendar
from shared.errors import Problem
from shared.workcalendar import CHINA, WorkingCalendar, YearCalendar
from tests.service.outbox import outbox_event_types, outbox_events

CLERK = Principal(sub="CS-01", name="陈静", roles=["customer_service"])
COLLEAGUE = Principal(sub="CS-02", name="刘洋", roles=["customer_service"])
QUALITY = Principal(sub="Q-HEAD", name="周敏", roles=["quality_manager"])
# The Tuesday before National Day 2025: 1–8 October are holidays.
BEFORE_NATIONAL_DAY = datetime(2025, 9, 30, 10, 0, tzinfo=CHINA)
RECEIVED = "qms.intake.complaint.received.v1"
STATUS_CHANGED = "qms.intake.complaint.status_changed.v1"


class Desk:
    """What the route does before the complaint's transaction: the ticket, on a session of its own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.days: set[date] = set()
        self.customers: set[str] = set()

    async def ticket(self, payload: ComplaintIn) -> service.Ticket:
        self.days.add(payload.received_at.astimezone(CHINA).date())
        async with AsyncSession(self.engine, info={"schema": "intake"}) as numbering:
            return await service.take_ticket(numbering, payload)

    async def known_tier(self, customer_id: str, tier: str) -> None:
        """A tier in intake's copy of crm's tiers, committed as its event handler commits it."""
        self.customers.add(customer_id)
        async with self.engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO customer_tiers (customer_id, tier, changed_at) VALUES (:id, :tier, now())"),
                {"id": customer_id, "tier": tier},
            )

    async def clear(self) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                text("DELETE FROM complaint_numbers WHERE day = ANY(:days)"), {"days": sorted(self.days)}
            )
            await connection.execute(
                text("DELETE FROM customer_tiers WHERE customer_id = ANY(:ids)"), {"ids": sorted(self.customers)}
            )


@pytest.fixture
async def desk(engines: dict[str, AsyncEngine]) -> AsyncIterator[Desk]:
    kept = Desk(engines["intake"])
    yield kept
    await kept.clear()


def complaint_in(received_at: datetime = BEFORE_NATIONAL_DAY, **overrides: Any) -> ComplaintIn:
    body: dict[str, Any] = {
        "kind": "product_quality",
        "channel": "phone",
        "complainant": {"name": "王伟", "phone": "13800000000"},
        "product": {"model": "VX-200", "quantity": 3, "batch_no": "B1", "production_date": "2025-06-01"},
        "description": "阀门漏水",
        "received_at": received_at.isoformat(),
        **overrides,
    }
    return ComplaintIn.model_validate(body)


async def receive(session: AsyncSession, desk: Desk, payload: ComplaintIn, recorder: Principal = CLERK) -> Complaint:
    """As the route files it: the ticket first, then the complaint on the calendar intake holds."""
    ticket = await desk.ticket(payload)
    return await service.receive_complaint(session, payload, ticket, recorder, await load_calendar(session))


async def stored(session: AsyncSession, complaint: Complaint) -> Complaint:
    """The complaint as its row holds it now."""
    session.expunge_all()
    found = await session.get(Complaint, complaint.id)
    assert found is not None
    return found


async def history_of(session: AsyncSession, complaint: Complaint) -> list[tuple[str, str, dict[str, Any]]]:
    rows = await session.execute(
        select(ComplaintHistory.actor, ComplaintHistory.action, ComplaintHistory.changes)
        .where(ComplaintHistory.complaint_id == complaint.id)
        .order_by(ComplaintHistory.id)
    )
    return [(row.actor, row.action, row.changes) for row in rows]


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=CHINA)


async def test_cmp2_two_complaints_received_the_same_day_get_consecutive_numbers_of_that_day(
    intake_session: AsyncSession, desk: Desk
) -> None:
    first = await receive(intake_session, desk, complaint_in())
    second = await receive(intake_session, desk, complaint_in(BEFORE_NATIONAL_DAY + timedelta(hours=5)))
    assert (first.complaint_no, second.complaint_no) == ("TS-20250930-0001", "TS-20250930-0002")


async def test_cmp2_the_number_is_of_the_day_of_receipt_in_china_time(intake_session: AsyncSession, desk: Desk) -> None:
    """Half past midnight in China is still the day before in UTC."""
    complaint = await receive(intake_session, desk, complaint_in(datetime(2025, 9, 30, 16, 30, tzinfo=UTC)))
    assert complaint.complaint_no == "TS-20251001-0001"


async def test_cmp3_deadlines_are_the_end_of_the_first_and_second_working_day_after_receipt(
    intake_session: AsyncSession, desk: Desk
) -> None:
    """Received the day before National Day: investigation by 9 October, the reply by 10 October."""
    complaint = await stored(intake_session, await receive(intake_session, desk, complaint_in()))
    assert (complaint.investigate_by, complaint.reply_by, complaint.calendar_estimated) == (
        end_of(date(2025, 10, 9)),
        end_of(date(2025, 10, 10)),
        False,
    )


async def test_cmp5_a_diamond_customer_in_intakes_copy_makes_a_general_complaint_serious(
    intake_session: AsyncSession, desk: Desk
) -> None:
    customer = f"C-{uuid.uuid4().hex[:8]}"
    await desk.known_tier(customer, "diamond")
    complaint = await stored(intake_session, await receive(intake_session, desk, complaint_in(customer_id=customer)))
    assert (
        complaint.severity,
        complaint.severity_reason,
        complaint.escalated_to_decision_level,
        complaint.customer_tier,
        complaint.customer_known,
    ) == ("serious", "customer_tier:diamond", True, "diamond", True)


async def test_cmp5_a_customer_intake_does_not_know_is_received_general_and_marked_unknown(
    intake_session: AsyncSession, desk: Desk
) -> None:
    customer = f"C-{uuid.uuid4().hex[:8]}"
    complaint = await stored(intake_session, await receive(intake_session, desk, complaint_in(customer_id=customer)))
    assert (complaint.severity, complaint.customer_tier, complaint.customer_known) == ("general", None, False)


async def test_cmp7_cmp8_the_recorder_owns_the_complaint_and_its_receipt_is_its_first_history_entry(
    intake_session: AsyncSession, desk: Desk
) -> None:
    complaint = await receive(intake_session, desk, complaint_in())
    assert (await stored(intake_session, complaint)).owner == CLERK.sub
    assert await history_of(intake_session, complaint) == [
        (
            CLERK.sub,
            "received",
            {
                "status": "received",
                "owner": CLERK.sub,
                "severity": "general",
                "severity_reason": None,
                "escalated_to_decision_level": False,
            },
        )
    ]


async def test_cmp2_the_received_event_is_written_to_the_outbox_in_the_complaints_transaction(
    intake_session: AsyncSession, desk: Desk, engines: dict[str, AsyncEngine]
) -> None:
    """In the outbox of the open transaction, and nowhere another connection can see before it commits."""
    complaint = await receive(intake_session, desk, complaint_in())
    [(event_type, data)] = await outbox_events(intake_session, str(complaint.id))
    assert event_type == RECEIVED
    assert (data["complaint_no"], data["status"], data["owner"], data["recorded_by"]) == (
        "TS-20250930-0001",
        "received",
        CLERK.sub,
        CLERK.sub,
    )
    assert datetime.fromisoformat(data["reply_by"]) == end_of(date(2025, 10, 10))
    async with engines["intake"].connect() as other:
        seen = await other.scalar(
            text("SELECT count(*) FROM intake.outbox WHERE key = :key"), {"key": str(complaint.id)}
        )
    assert seen == 0


async def test_cmp4_investigating_a_received_complaint_changes_its_status_and_announces_it(
    intake_session: AsyncSession, desk: Desk
) -> None:
    complaint = await receive(intake_session, desk, complaint_in())
    await service.act(intake_session, complaint.id, Action.INVESTIGATE, InvestigateIn(note="已联系客户"), CLERK)
    assert (await stored(intake_session, complaint)).status == "investigating"
    events = await outbox_events(intake_session, str(complaint.id))
    assert [event_type for event_type, _ in events] == [RECEIVED, STATUS_CHANGED]
    changed = events[1][1]
    assert (changed["from_status"], changed["to_status"], changed["action"], changed["changed_by"]) == (
        "received",
        "investigating",
        "investigate",
        CLERK.sub,
    )
    assert (await history_of(intake_session, complaint))[1] == (
        CLERK.sub,
        "investigate",
        {"note": "已联系客户", "status": ["received", "investigating"]},
    )


async def test_cmp4_a_rejection_announces_the_reason_given_to_the_customer(
    intake_session: AsyncSession, desk: Desk
) -> None:
    complaint = await receive(intake_session, desk, complaint_in())
    await service.act(intake_session, complaint.id, Action.REJECT, RejectIn(reason="非本公司产品"), CLERK)
    [_, (event_type, changed)] = await outbox_events(intake_session, str(complaint.id))
    assert (event_type, changed["to_status"], changed["reason"]) == (STATUS_CHANGED, "rejected", "非本公司产品")


async def test_cmp4_a_reply_before_the_investigation_is_refused_409_and_writes_nothing(
    intake_session: AsyncSession, desk: Desk
) -> None:
    complaint = await receive(intake_session, desk, complaint_in())
    reply = ReplyIn(cause="密封圈老化", resolution="免费更换阀体", improvement="更换密封圈供应商")
    with pytest.raises(Problem) as refused:
        await service.act(intake_session, complaint.id, Action.REPLY, reply, QUALITY)
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert refused.value.extensions["allowed"] == [
        "investigate",
        "reject",
        "handover",
        "escalate",
        "severity",
        "decision",
    ]
    assert (await stored(intake_session, complaint)).status == "received"
    assert await outbox_event_types(intake_session, str(complaint.id)) == [RECEIVED]
    assert [action for _, action, _ in await history_of(intake_session, complaint)] == ["received"]


async def test_cmp7_a_colleague_who_does_not_own_the_complaint_is_refused_403_and_writes_nothing(
    intake_session: AsyncSession, desk: Desk
) -> None:
    complaint = await receive(intake_session, desk, complaint_in())
    with pytest.raises(Problem) as refused:
        await service.act(intake_session, complaint.id, Action.INVESTIGATE, InvestigateIn(), COLLEAGUE)
    assert (refused.value.status, refused.value.code, refused.value.extensions) == (
        403,
        "not_owner",
        {"owner": "CS-01"},
    )
    assert (await stored(intake_session, complaint)).status == "received"
    assert await outbox_event_types(intake_session, str(complaint.id)) == [RECEIVED]
    assert [action for _, action, _ in await history_of(intake_session, complaint)] == ["received"]


async def test_cmp3_overdue_count_counts_the_complaints_still_waiting_past_a_deadline(
    intake_session: AsyncSession, desk: Desk
) -> None:
    """A complaint long past its deadlines counts; one just received, or one rejected, does not."""
    before = await service.overdue_count(intake_session)
    await receive(intake_session, desk, complaint_in())
    await receive(intake_session, desk, complaint_in(clock.now() - timedelta(minutes=1)))
    rejected = await receive(intake_session, desk, complaint_in())
    await service.act(intake_session, rejected.id, Action.REJECT, RejectIn(reason="非本公司产品"), CLERK)
    assert await service.overdue_count(intake_session) == before + 1


async def test_cmp3_a_loaded_year_gives_waiting_complaints_its_deadlines_and_the_change_is_kept(
    intake_session: AsyncSession, desk: Desk
) -> None:
    """A year loaded with 9 October off too moves the deadlines to Friday 10 and Monday 13 October; a
    rejected complaint waits for nothing and keeps its own."""
    waiting = await receive(intake_session, desk, complaint_in())
    rejected = await receive(intake_session, desk, complaint_in())
    await service.act(intake_session, rejected.id, Action.REJECT, RejectIn(reason="非本公司产品"), CLERK)
    loaded = WorkingCalendar({2025: YearCalendar(2025, frozenset(date(2025, 10, day) for day in range(1, 10)))})

    assert await service.recompute_deadlines(intake_session, loaded, QUALITY) == 1

    moved = await stored(intake_session, waiting)
    assert (moved.investigate_by, moved.reply_by) == (end_of(date(2025, 10, 10)), end_of(date(2025, 10, 13)))
    assert (await stored(intake_session, rejected)).reply_by == end_of(date(2025, 10, 10))
    actor, action, changes = (await history_of(intake_session, waiting))[-1]
    assert (actor, action, changes["calendar_estimated"]) == (QUALITY.sub, "deadlines_recomputed", [False, False])
    assert [datetime.fromisoformat(at) for at in changes["reply_by"]] == [
        end_of(date(2025, 10, 10)),
        end_of(date(2025, 10, 13)),
    ]


async def test_cmp8_recomputed_deadlines_are_kept_in_china_time_before_and_after(
    intake_session: AsyncSession, desk: Desk
) -> None:
    waiting = await receive(intake_session, desk, complaint_in())
    loaded = WorkingCalendar({2025: YearCalendar(2025, frozenset(date(2025, 10, day) for day in range(1, 10)))})
    await service.recompute_deadlines(intake_session, loaded, QUALITY)

    _, _, changes = (await history_of(intake_session, waiting))[-1]
    assert changes["investigate_by"] == ["2025-10-09T23:59:59+08:00", "2025-10-10T23:59:59+08:00"]
    assert changes["reply_by"] == ["2025-10-10T23:59:59+08:00", "2025-10-13T23:59:59+08:00"]


async def test_cmp6_comparison_counts_the_same_batch_and_the_same_model_within_90_days(
    intake_session: AsyncSession, desk: Desk
) -> None:
    model = f"VX-{uuid.uuid4().hex[:6]}"

    async def about(batch: str, quantity: int, received_on: date, of_model: str = model) -> Complaint:
        product = {"model": of_model, "quantity": quantity, "batch_no": batch, "production_date": "2026-06-01"}
        received_at = datetime(received_on.year, received_on.month, received_on.day, 10, 0, tzinfo=CHINA)
        return await receive(intake_session, desk, complaint_in(received_at, product=product))

    first = await about("B1", 2, date(2026, 11, 20))
    same_batch = await about("B1", 4, date(2026, 10, 1))
    other_batch = await about("B2", 5, date(2026, 11, 1))
    await about("B1", 6, date(2026, 7, 1))  # more than 90 days before
    await about("B1", 7, date(2026, 11, 2), f"{model}-X")  # another model

    compared = await service.comparison(intake_session, await stored(intake_session, first))

    assert [c.id for c in compared.same_batch] == [same_batch.id]
    assert (compared.same_batch_count, compared.same_batch_quantity) == (1, 4)
    assert [c.id for c in compared.same_model] == [other_batch.id]
    assert compared.same_model_count == 1
    assert (compared.window_from, compared.window_to) == (
        first.received_at - timedelta(days=90),
        first.received_at + timedelta(days=90),
    )
