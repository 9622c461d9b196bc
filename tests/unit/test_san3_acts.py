"""SAN-3: only the most severe penalty of one act is charged, whatever the order of arrival."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from services.sanctions.notices.rules import ActMember, Status, Verdict, act_key, contending, resolve_act

T0 = datetime(2026, 11, 24, tzinfo=UTC)


def member(
    amount: str,
    *,
    minute: int = 0,
    kind: str = "penalty",
    status: Status = Status.DRAFT,
    dismissal: bool = False,
    superseded_by: uuid.UUID | None = None,
) -> ActMember:
    return ActMember(
        uuid.uuid4(), kind, status, Decimal(amount), dismissal, T0 + timedelta(minutes=minute), superseded_by
    )


def settled(members: list[ActMember]) -> dict[uuid.UUID, tuple[Status, uuid.UUID | None]]:
    """Applies the verdicts the way the service does."""
    _, verdicts = resolve_act(members)
    state = {m.id: (m.status, m.superseded_by) for m in members}
    state.update({v.id: (v.status, v.superseded_by) for v in verdicts})
    return state


def test_san3_the_larger_penalty_is_charged_and_the_other_points_at_it() -> None:
    mild, severe = member("20"), member("500", minute=1)

    charged, verdicts = resolve_act([mild, severe])

    assert charged == severe.id
    assert verdicts == [Verdict(mild.id, Status.SUPERSEDED, severe.id)]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_san3_the_charge_does_not_depend_on_the_order_of_arrival(order: tuple[int, ...]) -> None:
    amounts = ["50", "500", "100"]
    members = [member(amounts[i], minute=position) for position, i in enumerate(order)]
    severe = next(m for m in members if m.at_stake == Decimal(500))

    state = settled(members)

    assert state[severe.id] == (Status.DRAFT, None)
    assert [state[m.id] for m in members if m is not severe] == [(Status.SUPERSEDED, severe.id)] * 2


def test_san3_dismissal_is_more_severe_than_any_amount() -> None:
    dismissal, money = member("200", dismissal=True), member("500", minute=1)
    assert resolve_act([money, dismissal])[0] == dismissal.id


def test_san3_between_equal_penalties_the_earlier_notice_stays_charged() -> None:
    first, second = member("50"), member("50", minute=5)
    assert resolve_act([second, first])[0] == first.id


@pytest.mark.parametrize("status", [Status.ISSUED, Status.STAMPED])
def test_san3_an_issued_or_stamped_notice_is_never_superseded_by_a_later_violation(status: Status) -> None:
    handed_out, severe = member("50", status=status), member("500", minute=1)

    state = settled([handed_out, severe])

    assert state[handed_out.id] == (status, None)
    assert state[severe.id] == (Status.SUPERSEDED, handed_out.id)


def test_san3_dismissal_outranks_the_amount_at_stake() -> None:
    dismissal, money = member("0.00", dismissal=True, minute=1), member("1000")
    assert resolve_act([money, dismissal])[0] == dismissal.id


def test_san3_the_act_shows_only_its_charged_and_superseded_penalties() -> None:
    charged, superseded = member("500"), member("20", status=Status.SUPERSEDED)
    others = [member("100", kind="reward"), member("50", status=Status.WITHDRAWN)]
    assert contending([charged, *others, superseded]) == [charged, superseded]


def test_san3_rewards_of_the_same_act_are_never_superseded() -> None:
    reward, penalty = member("100", kind="reward"), member("50", minute=1)
    charged, verdicts = resolve_act([reward, penalty])
    assert (charged, verdicts) == (penalty.id, [])


def test_san3_a_withdrawn_notice_does_not_contend() -> None:
    withdrawn, mild = member("500", status=Status.WITHDRAWN), member("20", minute=1)
    assert resolve_act([withdrawn, mild]) == (mild.id, [])


def test_san3_once_the_charged_notice_is_withdrawn_the_next_most_severe_is_a_draft_again() -> None:
    gone = member("500", status=Status.WITHDRAWN)
    mild = member("20", minute=1, status=Status.SUPERSEDED, superseded_by=gone.id)
    assert resolve_act([gone, mild]) == (mild.id, [Verdict(mild.id, Status.DRAFT, None)])


def test_san3_a_summarized_notice_keeps_the_charge_because_its_month_is_closed() -> None:
    summarized, severe = member("50", status=Status.SUMMARIZED), member("500", minute=1)
    state = settled([summarized, severe])
    assert state[summarized.id] == (Status.SUMMARIZED, None)
    assert state[severe.id] == (Status.SUPERSEDED, summarized.id)


def test_san3_nothing_changes_when_the_act_is_already_settled() -> None:
    severe = member("500")
    mild = member("20", minute=1, status=Status.SUPERSEDED, superseded_by=severe.id)
    assert resolve_act([severe, mild]) == (severe.id, [])


def test_san3_an_act_is_the_act_id_or_else_the_incident() -> None:
    assert act_key("A-1", "I-1") == "act:A-1"
    assert act_key(None, "I-1") == "incident:I-1"
    assert act_key(None, None) is None
