"""SAN-3 and SAN-4 as pure code: which notice of one act is charged, and the steps a notice may take."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict
from shared.schemas import names


class Status(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    STAMPED = "stamped"
    SUMMARIZED = "summarized"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    AMENDED = "amended"
    WITHDRAWN = "withdrawn"


class TransitionError(Conflict):
    """SAN-4: a step the notice's state does not allow, a 409 with the rule's own code."""


# SAN-4: draft → issued → stamped → summarized; withdrawn from any step before the summary.
# `summarized` is reached only by closing the month (SAN-5); `superseded` only by SAN-3.
STEPS: dict[str, tuple[frozenset[Status], Status]] = {
    "issue": (frozenset({Status.DRAFT}), Status.ISSUED),
    "stamp": (frozenset({Status.ISSUED}), Status.STAMPED),
    "withdraw": (frozenset({Status.DRAFT, Status.ISSUED, Status.STAMPED, Status.SUPERSEDED}), Status.WITHDRAWN),
}

DISPUTABLE = frozenset({Status.ISSUED, Status.STAMPED})


def next_status(action: str, current: Status) -> Status:
    allowed, target = STEPS[action]
    if current not in allowed:
        raise TransitionError(
            "invalid_transition",
            f"a {current} notice cannot be {target}; {action} needs one of: {names(allowed)}",
            current_status=current.value,
        )
    return target


def check_disputable(status: Status, dispute: DisputeStatus | None) -> None:
    """§6.5: an issued notice can be disputed once; administration's decision is final (SAN-4, rev. 2026-12)."""
    if status not in DISPUTABLE:
        raise TransitionError("not_disputable", f"a {status} notice cannot be disputed", current_status=status.value)
    if dispute is DisputeStatus.OPEN:
        raise TransitionError("dispute_open", "this notice already has an open dispute", current_status=status.value)
    if dispute is not None:
        raise TransitionError(
            "dispute_decided",
            f"the dispute was decided ({dispute}); the decision is final",
            current_status=status.value,
        )


def check_decidable(dispute: DisputeStatus | None) -> None:
    if dispute is None:
        raise TransitionError("no_open_dispute", "this notice has no open dispute to decide")
    if dispute is not DisputeStatus.OPEN:
        raise TransitionError("dispute_decided", f"the dispute was decided ({dispute}); the decision is final")


LEADERSHIP_CLAUSE = "5.2.1.13"
LEADERSHIP_LEVELS = frozenset({"batch", "major"})


def needs_leadership_draft(level: str) -> bool:
    """SAN-6: a batch or major incident makes its responsible department's head answer under 5.2.1.13,
    always — by name when the routing knows the head, else as the department's draft."""
    return level in LEADERSHIP_LEVELS


def act_key(act_id: str | None, incident_id: str | None) -> str | None:
    """SAN-3: one act is an act_id, or else one incident, always for one person."""
    if act_id is not None:
        return f"act:{act_id}"
    if incident_id is not None:
        return f"incident:{incident_id}"
    return None


@dataclass(frozen=True)
class ActMember:
    """One notice of an act as SAN-3 ranks it; ``at_stake`` is the chosen amount once one is chosen, else
    the most its clause allows (a range clause's maximum)."""

    id: uuid.UUID
    kind: str
    status: Status
    at_stake: Decimal
    dismissal: bool
    created_at: datetime
    superseded_by: uuid.UUID | None = None


@dataclass(frozen=True)
class Verdict:
    id: uuid.UUID
    status: Status
    superseded_by: uuid.UUID | None


# Penalties that take part in SAN-3; a withdrawn notice no longer counts, a superseded one may come back.
CONTENDING = frozenset({Status.DRAFT, Status.ISSUED, Status.STAMPED, Status.SUPERSEDED, Status.SUMMARIZED})
# A notice handed to its employee (or summarized for finance) is never superseded by a later violation:
# the quality manager withdraws it explicitly (SAN-3, rev. 2026-12).
SETTLED = frozenset({Status.ISSUED, Status.STAMPED, Status.SUMMARIZED})


def severity_order(member: ActMember) -> tuple[bool, Decimal, datetime, str]:
    """§6.1 按严重得条例处理: dismissal first, then the amount at stake; ties go to the earlier notice."""
    return (not member.dismissal, -member.at_stake, member.created_at, str(member.id))


def resolve_act(members: list[ActMember]) -> tuple[uuid.UUID | None, list[Verdict]]:
    """SAN-3: the charged penalty of one act and every change needed so the others point at it.

    Among drafts the most severe is charged; once a notice is issued, stamped or summarized it keeps the
    charge and is never changed here, and every draft of the act points at it.
    """
    penalties = contending(members)
    if not penalties:
        return None, []
    settled = [m for m in penalties if m.status in SETTLED]
    charged = min(settled or penalties, key=severity_order)
    verdicts = []
    for member in penalties:
        if member.status in SETTLED:
            continue
        if member.id == charged.id:
            if member.status is Status.SUPERSEDED:
                # The notice that outranked it was withdrawn: it is charged again, as a draft to re-issue.
                verdicts.append(Verdict(member.id, Status.DRAFT, None))
        elif member.status is not Status.SUPERSEDED or member.superseded_by != charged.id:
            verdicts.append(Verdict(member.id, Status.SUPERSEDED, charged.id))
    return charged.id, verdicts


def contending(members: list[ActMember]) -> list[ActMember]:
    """The act's penalties still charged or superseded: what SAN-3 ranks and what the act shows."""
    return [m for m in members if m.kind == "penalty" and m.status in CONTENDING]
