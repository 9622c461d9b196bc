"""SAN-2 and SAN-3 orchestration in the service layer: how a violation is priced into its draft (fixed,
range, repeats within 12 months) and which notice of one act is charged, with the events each step
writes to the outbox in the caller's transaction."""

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.notices import service as notices
from services.sanctions.notices.models import Notice
from services.sanctions.notices.schemas import ActOut, Employee, IssueIn, ViolationIn
from shared.auth import Principal
from shared.errors import Problem
from tests.service.outbox import outbox_event_types, outbox_events

CHINA = ZoneInfo("Asia/Shanghai")
QUALITY = Principal(sub="E-05", name="王芳", department="quality", roles=["quality_manager"])

ISSUED = "qms.sanctions.notice.issued.v1"
WITHDRAWN = "qms.sanctions.notice.withdrawn.v1"
SUPERSEDED = "qms.sanctions.notice.superseded.v1"
RESTORED = "qms.sanctions.notice.restored.v1"


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=CHINA)


async def stored(session: AsyncSession, notice: Notice) -> tuple[str, Decimal, bool, uuid.UUID | None]:
    """The notice's row as the database holds it (status, amount, amount_chosen, superseded_by)."""
    row = (
        await session.execute(
            text("SELECT status, amount, amount_chosen, superseded_by FROM sanctions.notices WHERE id = :id"),
            {"id": notice.id},
        )
    ).one()
    return row.status, row.amount, row.amount_chosen, row.superseded_by


async def step_actions(session: AsyncSession, notice: Notice) -> list[str]:
    return [step.action for step in await notices.repository.steps_of(session, notice.id)]


async def record(
    session: AsyncSession,
    clause: str,
    *,
    employee: str = "E-201",
    occurred_at: datetime | None = None,
    act_id: str | None = None,
) -> tuple[Notice, ActOut | None]:
    violation = ViolationIn(
        clause=clause,
        occurred_at=occurred_at or at(2026, 10, 12),
        act_id=act_id,
        employee=Employee(id=employee, name="张伟", department="生产部"),
    )
    _, notice, act = await notices.record_violation(session, violation, QUALITY.sub)
    return notice, act


# SAN-2: amounts


async def test_san2_a_fixed_clause_is_priced_at_its_amount_and_drafting_publishes_nothing(
    sanctions_session: AsyncSession,
) -> None:
    notice, act = await record(sanctions_session, "5.1.3.2")
    assert (notice.status, notice.kind, notice.amount, notice.amount_chosen) == (
        "draft",
        "penalty",
        Decimal("100.00"),
        True,
    )
    assert (notice.aggravated, notice.dismissal, notice.month, act) == (False, False, "2026-10", None)
    assert await outbox_event_types(sanctions_session) == []


async def test_san2_a_fixed_clause_is_issued_at_its_amount_and_publishes_notice_issued(
    sanctions_session: AsyncSession,
) -> None:
    notice, _ = await record(sanctions_session, "5.1.3.2")
    issued = await notices.issue(sanctions_session, notice.id, IssueIn(), QUALITY)
    assert (issued.status, issued.amount) == ("issued", Decimal("100.00"))
    [(event_type, data)] = await outbox_events(sanctions_session)
    assert (event_type, data["notice_id"], Decimal(data["amount"])) == (ISSUED, str(notice.id), Decimal("100.00"))


async def test_san2_a_fixed_clause_refuses_a_chosen_amount_at_issue_and_nothing_changes(
    sanctions_session: AsyncSession,
) -> None:
    notice, _ = await record(sanctions_session, "5.1.3.2")
    with pytest.raises(Problem) as refused:
        await notices.issue(sanctions_session, notice.id, IssueIn(amount=Decimal("80")), QUALITY)
    assert (refused.value.status, refused.value.code) == (422, "amount_not_choosable")
    assert notice.status == "draft"
    assert await stored(sanctions_session, notice) == ("draft", Decimal("100.00"), True, None)
    assert await outbox_event_types(sanctions_session) == []


async def test_san2_a_range_clause_drafts_its_minimum_not_yet_chosen(sanctions_session: AsyncSession) -> None:
    notice, _ = await record(sanctions_session, "5.2.3.2")
    assert (notice.status, notice.amount, notice.amount_chosen) == ("draft", Decimal("10.00"), False)
    assert await outbox_event_types(sanctions_session) == []


async def test_san2_a_range_clause_is_issued_with_the_amount_chosen_inside_its_range(
    sanctions_session: AsyncSession,
) -> None:
    notice, _ = await record(sanctions_session, "5.2.3.2")
    issued = await notices.issue(sanctions_session, notice.id, IssueIn(amount=Decimal("60")), QUALITY)
    assert (issued.status, issued.amount, issued.amount_chosen) == ("issued", Decimal("60.00"), True)
    assert await stored(sanctions_session, notice) == ("issued", Decimal("60.00"), True, None)
    [(event_type, data)] = await outbox_events(sanctions_session)
    assert (event_type, Decimal(data["amount"])) == (ISSUED, Decimal("60.00"))


@pytest.mark.parametrize("amount", [Decimal("9.99"), Decimal("100.01")])
async def test_san2_a_range_clause_is_refused_an_amount_outside_its_range_and_nothing_changes(
    sanctions_session: AsyncSession, amount: Decimal
) -> None:
    notice, _ = await record(sanctions_session, "5.2.3.2")
    with pytest.raises(Problem) as refused:
        await notices.issue(sanctions_session, notice.id, IssueIn(amount=amount), QUALITY)
    assert (refused.value.status, refused.value.code) == (422, "amount_out_of_range")
    assert notice.status == "draft"
    assert refused.value.extensions == {"min_amount": "10.00", "max_amount": "100.00"}
    assert await stored(sanctions_session, notice) == ("draft", Decimal("10.00"), False, None)
    assert await step_actions(sanctions_session, notice) == ["drafted"]
    assert await outbox_event_types(sanctions_session) == []


async def test_san2_a_range_clause_is_refused_issue_without_a_chosen_amount_and_nothing_changes(
    sanctions_session: AsyncSession,
) -> None:
    notice, _ = await record(sanctions_session, "5.2.3.2")
    with pytest.raises(Problem) as refused:
        await notices.issue(sanctions_session, notice.id, IssueIn(), QUALITY)
    assert (refused.value.status, refused.value.code) == (422, "amount_required")
    assert notice.status == "draft"
    assert await stored(sanctions_session, notice) == ("draft", Decimal("10.00"), False, None)
    assert await outbox_event_types(sanctions_session) == []


# SAN-2: repeats


async def issued_earlier(session: AsyncSession, clause: str, occurred_at: datetime, employee: str = "E-201") -> Notice:
    earlier, _ = await record(session, clause, employee=employee, occurred_at=occurred_at)
    return await notices.issue(session, earlier.id, IssueIn(), QUALITY)


async def test_san2_a_repeat_within_12_months_of_an_issued_notice_is_doubled_under_5_2_1_10(
    sanctions_session: AsyncSession,
) -> None:
    await issued_earlier(sanctions_session, "5.2.1.10", at(2025, 11, 1))
    repeat, _ = await record(sanctions_session, "5.2.1.10", occurred_at=at(2026, 10, 12))
    assert (repeat.amount, repeat.aggravated, repeat.dismissal) == (Decimal("40.00"), True, False)
    assert await outbox_event_types(sanctions_session) == [ISSUED]


async def test_san2_a_repeat_within_12_months_is_doubled_under_5_2_3_1(sanctions_session: AsyncSession) -> None:
    await issued_earlier(sanctions_session, "5.2.3.1", at(2026, 3, 2))
    repeat, _ = await record(sanctions_session, "5.2.3.1", occurred_at=at(2026, 10, 12))
    assert (repeat.amount, repeat.aggravated) == (Decimal("100.00"), True)


async def test_san2_an_earlier_notice_more_than_12_months_before_is_not_a_repeat(
    sanctions_session: AsyncSession,
) -> None:
    await issued_earlier(sanctions_session, "5.2.1.10", at(2025, 10, 11))
    later, _ = await record(sanctions_session, "5.2.1.10", occurred_at=at(2026, 10, 12))
    assert (later.amount, later.aggravated) == (Decimal("20.00"), False)


async def test_san2_a_repeat_of_another_employee_or_clause_is_not_a_repeat(sanctions_session: AsyncSession) -> None:
    await issued_earlier(sanctions_session, "5.2.1.10", at(2026, 5, 1), employee="E-299")
    await issued_earlier(sanctions_session, "5.2.3.1", at(2026, 5, 1))
    first, _ = await record(sanctions_session, "5.2.1.10", occurred_at=at(2026, 10, 12))
    assert (first.amount, first.aggravated) == (Decimal("20.00"), False)


async def test_san2_a_repeat_under_a_clause_not_aggravated_on_repeat_keeps_its_amount(
    sanctions_session: AsyncSession,
) -> None:
    await issued_earlier(sanctions_session, "5.2.1.9", at(2026, 5, 1))
    repeat, _ = await record(sanctions_session, "5.2.1.9", occurred_at=at(2026, 10, 12))
    assert (repeat.amount, repeat.aggravated) == (Decimal("50.00"), False)


async def test_san2_a_second_offence_under_an_escalating_clause_is_dismissal_without_a_fine(
    sanctions_session: AsyncSession,
) -> None:
    first = await issued_earlier(sanctions_session, "5.1.1.2", at(2026, 5, 1))
    assert (first.amount, first.dismissal) == (Decimal("200.00"), False)
    second, _ = await record(sanctions_session, "5.1.1.2", occurred_at=at(2026, 10, 12))
    assert (second.amount, second.dismissal) == (Decimal("0.00"), True)


async def test_san2_a_withdrawn_earlier_notice_is_not_a_repeat(sanctions_session: AsyncSession) -> None:
    earlier = await issued_earlier(sanctions_session, "5.2.1.10", at(2026, 5, 1))
    await notices.withdraw(sanctions_session, earlier.id, "issued by mistake", QUALITY)
    later, _ = await record(sanctions_session, "5.2.1.10", occurred_at=at(2026, 10, 12))
    assert (later.amount, later.aggravated) == (Decimal("20.00"), False)
    assert await outbox_event_types(sanctions_session) == [ISSUED, WITHDRAWN]


async def test_san2_a_draft_priced_as_a_repeat_is_priced_again_when_the_earlier_notice_is_withdrawn(
    sanctions_session: AsyncSession,
) -> None:
    earlier = await issued_earlier(sanctions_session, "5.2.1.10", at(2026, 5, 1))
    later, _ = await record(sanctions_session, "5.2.1.10", occurred_at=at(2026, 10, 12))
    assert later.amount == Decimal("40.00")
    await notices.withdraw(sanctions_session, earlier.id, None, QUALITY)
    assert await stored(sanctions_session, later) == ("draft", Decimal("20.00"), True, None)
    assert await step_actions(sanctions_session, later) == ["drafted", "repriced"]
    assert await outbox_event_types(sanctions_session) == [ISSUED, WITHDRAWN]


# SAN-3: one act is charged once


async def test_san3_the_most_severe_is_charged_when_it_arrives_first(sanctions_session: AsyncSession) -> None:
    severe, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    lesser, act = await record(sanctions_session, "5.1.3.2", act_id="ACT-1")
    assert act is not None and (act.key, act.charged) == ("act:ACT-1", severe.id)
    assert await stored(sanctions_session, severe) == ("draft", Decimal("500.00"), True, None)
    assert await stored(sanctions_session, lesser) == ("superseded", Decimal("100.00"), True, severe.id)
    [(event_type, data)] = await outbox_events(sanctions_session)
    assert (event_type, data["notice_id"], data["superseded_by"]) == (SUPERSEDED, str(lesser.id), str(severe.id))


async def test_san3_the_most_severe_is_charged_when_it_arrives_last(sanctions_session: AsyncSession) -> None:
    lesser, _ = await record(sanctions_session, "5.1.3.2", act_id="ACT-1")
    severe, act = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    assert act is not None and act.charged == severe.id
    assert {(brief.id, brief.status, brief.superseded_by) for brief in act.notices} == {
        (severe.id, "draft", None),
        (lesser.id, "superseded", severe.id),
    }
    assert await stored(sanctions_session, lesser) == ("superseded", Decimal("100.00"), True, severe.id)
    [(event_type, data)] = await outbox_events(sanctions_session)
    assert (event_type, data["notice_id"], data["superseded_by"]) == (SUPERSEDED, str(lesser.id), str(severe.id))


async def test_san3_violations_of_different_acts_are_each_charged(sanctions_session: AsyncSession) -> None:
    one, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    other, act = await record(sanctions_session, "5.1.3.2", act_id="ACT-2")
    assert act is not None and act.charged == other.id
    assert (await stored(sanctions_session, one))[0] == "draft"
    assert (await stored(sanctions_session, other))[0] == "draft"
    assert await outbox_event_types(sanctions_session) == []


async def test_san3_withdrawing_the_charged_notice_charges_the_next_most_severe(
    sanctions_session: AsyncSession,
) -> None:
    severe, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    middle, _ = await record(sanctions_session, "5.1.3.2", act_id="ACT-1")
    least, _ = await record(sanctions_session, "5.1.1.3", act_id="ACT-1")
    assert await outbox_event_types(sanctions_session) == [SUPERSEDED, SUPERSEDED]

    await notices.withdraw(sanctions_session, severe.id, "wrong clause", QUALITY)

    assert await stored(sanctions_session, severe) == ("withdrawn", Decimal("500.00"), True, None)
    assert await stored(sanctions_session, middle) == ("draft", Decimal("100.00"), True, None)
    assert await stored(sanctions_session, least) == ("superseded", Decimal("50.00"), True, middle.id)
    assert await step_actions(sanctions_session, middle) == ["drafted", "superseded", "restored"]
    events = (await outbox_events(sanctions_session))[2:]
    assert [(event_type, data["notice_id"]) for event_type, data in events] == [
        (WITHDRAWN, str(severe.id)),
        (RESTORED, str(middle.id)),
        (SUPERSEDED, str(least.id)),
    ]
    assert events[2][1]["superseded_by"] == str(middle.id)


async def test_san3_the_notice_charged_again_is_issued_at_its_own_amount(sanctions_session: AsyncSession) -> None:
    severe, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    lesser, _ = await record(sanctions_session, "5.1.3.2", act_id="ACT-1")
    await notices.withdraw(sanctions_session, severe.id, None, QUALITY)
    issued = await notices.issue(sanctions_session, lesser.id, IssueIn(), QUALITY)
    assert (issued.status, issued.amount, issued.superseded_by) == ("issued", Decimal("100.00"), None)
    assert await outbox_event_types(sanctions_session) == [SUPERSEDED, WITHDRAWN, RESTORED, ISSUED]


async def test_san3_a_superseded_notice_cannot_be_issued_and_nothing_changes(sanctions_session: AsyncSession) -> None:
    severe, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    lesser, _ = await record(sanctions_session, "5.1.3.2", act_id="ACT-1")
    with pytest.raises(Problem) as refused:
        await notices.issue(sanctions_session, lesser.id, IssueIn(), QUALITY)
    assert (refused.value.status, refused.value.code) == (409, "invalid_transition")
    assert await stored(sanctions_session, lesser) == ("superseded", Decimal("100.00"), True, severe.id)
    assert await outbox_event_types(sanctions_session) == [SUPERSEDED]


async def test_san3_a_range_clause_ranks_by_its_maximum_until_an_amount_is_chosen(
    sanctions_session: AsyncSession,
) -> None:
    fixed, _ = await record(sanctions_session, "5.1.3.1", act_id="ACT-1")
    ranged, act = await record(sanctions_session, "5.1.1.1", act_id="ACT-1")
    # 5.1.1.1 drafts 20 but may reach only 100: the fixed 500 stays charged.
    assert act is not None and act.charged == fixed.id
    assert await stored(sanctions_session, ranged) == ("superseded", Decimal("20.00"), False, fixed.id)
    wide, act = await record(sanctions_session, "5.2.1.13", act_id="ACT-1")
    # 5.2.1.13 drafts 50 but may reach 1000: it outranks the fixed 500 while its amount is open.
    assert act is not None and act.charged == wide.id
    assert await stored(sanctions_session, wide) == ("draft", Decimal("50.00"), False, None)
    assert await stored(sanctions_session, fixed) == ("superseded", Decimal("500.00"), True, wide.id)
    assert await stored(sanctions_session, ranged) == ("superseded", Decimal("20.00"), False, wide.id)
    assert await outbox_event_types(sanctions_session) == [SUPERSEDED, SUPERSEDED, SUPERSEDED]
