"""Complaint rules as pure code (CMP-2, CMP-3, CMP-4, CMP-5, CMP-6)."""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.errors import Conflict
from shared.search import text_grams
from shared.workcalendar import WorkingCalendar


@dataclass(frozen=True)
class Deadlines:
    investigate_by: datetime
    reply_by: datetime
    calendar_estimated: bool


def sla_deadlines(received_at: datetime, calendar: WorkingCalendar) -> Deadlines:
    """CMP-3: investigation by the end of the 1st working day after the local date of receipt,
    reply by the end of the 2nd (客户服务投诉管理制度 §五)."""
    received_on = calendar.local_date(received_at)
    first = calendar.add_working_days(received_on, 1)
    second = calendar.add_working_days(received_on, 2)
    return Deadlines(first.end_in_china(), second.end_in_china(), first.estimated or second.estimated)


def complaint_number(day: date, sequence: int) -> str:
    """CMP-2: the human-readable 备案编号, e.g. ``TS-20261124-0007``."""
    return f"TS-{day:%Y%m%d}-{sequence:04d}"


# Personal data of complainants (name, phone, email, address) is for those who handle complaints
# (产品质量投诉处理制度 三: 营销部 and 质量部 take and work them); the decision level (最高决策层)
# reads it for the serious complaints it decides on; everyone else sees it masked.
COMPLAINT_HANDLERS = frozenset({"customer_service", "quality_manager"})
DECISION_LEVEL = "executive"


def sees_personal_data(roles: Iterable[str], sub: str, owner: str, severity: str) -> bool:
    """Whether this reader sees the complainant unmasked: a complaint handler, the complaint's owner
    (CMP-7), or the decision level on a serious complaint (CMP-5)."""
    held = set(roles)
    if held & COMPLAINT_HANDLERS or sub == owner:
        return True
    return DECISION_LEVEL in held and severity == "serious"


def searchable_grams(number: str, product_model: str | None, description: str) -> list[str]:
    """SPEC §12: what any reader of complaints may search a complaint by."""
    return text_grams(number, product_model, description)


def personal_grams(complainant: Mapping[str, str | None]) -> list[str]:
    """SPEC §12: the complainant's name and phone, searchable only by a reader who sees them."""
    return text_grams(complainant.get("name"), complainant.get("phone"))


def masked_complainant(complainant: Mapping[str, str | None]) -> dict[str, str | None]:
    """Enough to tell complainants apart, not to reach them: the family name, the last four digits of
    the phone, the first letter and domain of the email; the address and other contacts hidden."""
    name = complainant.get("name") or ""
    phone, email = complainant.get("phone"), complainant.get("email")
    return {
        "name": name[:1] + "**",
        "phone": None if phone is None else masked_phone(phone),
        "email": None if email is None else email[:1] + "***@" + email.rpartition("@")[2],
        "address": None if complainant.get("address") is None else "***",
        "other_contact": None if complainant.get("other_contact") is None else "***",
    }


def masked_phone(phone: str) -> str:
    if len(phone) <= 4:
        return "****"
    return "*" * (len(phone) - 4) + phone[-4:]


class Action(StrEnum):
    """CMP-4 steps (and CMP-7 hand-over) a client posts to ``/v1/complaints/{id}/{action}``."""

    INVESTIGATE = "investigate"
    REPLY = "reply"
    RETURN_VISIT = "return-visit"
    CLOSE = "close"
    REJECT = "reject"
    HANDOVER = "handover"
    ESCALATE = "escalate"
    SEVERITY = "severity"
    DECISION = "decision"


# CMP-4: received → investigating → replied → visited → closed; rejected (投诉不成立) from the first two.
# A value of None means the action keeps the status (the hand-over only changes the owner).
# CMP-5: the quality department may judge an open complaint serious, or set its severity, at any step
# (危害分析); the decision level records its decision on a serious one while it is open.
_KEEPING = {Action.HANDOVER: None, Action.ESCALATE: None, Action.SEVERITY: None, Action.DECISION: None}
TRANSITIONS: dict[str, dict[Action, str | None]] = {
    "received": {Action.INVESTIGATE: "investigating", Action.REJECT: "rejected", **_KEEPING},
    "investigating": {Action.REPLY: "replied", Action.REJECT: "rejected", **_KEEPING},
    "replied": {Action.RETURN_VISIT: "visited", **_KEEPING},
    "visited": {Action.CLOSE: "closed", **_KEEPING},
    "closed": {},
    "rejected": {},
}


class TransitionRefused(Conflict):
    """CMP-4: a step the complaint's status does not allow (a 409 naming the steps it does)."""

    def __init__(self, status: str, action: Action) -> None:
        self.allowed = allowed_actions(status)
        super().__init__(
            "invalid_transition",
            f"{action.value} is not allowed on a {status} complaint",
            current_status=status,
            action=action.value,
            allowed=self.allowed,
        )


def allowed_actions(status: str) -> list[str]:
    return [action.value for action in TRANSITIONS.get(status, {})]


def next_status(status: str, action: Action) -> str:
    """CMP-4: the status after ``action``; skipping a step or acting on a closed complaint is refused."""
    steps = TRANSITIONS.get(status, {})
    if action not in steps:
        raise TransitionRefused(status, action)
    target = steps[action]
    return status if target is None else target


SERIOUS_BY_DEFAULT_TIERS = frozenset({"diamond", "platinum"})


@dataclass(frozen=True)
class SeverityDecision:
    severity: str
    reason: str | None

    @property
    def escalated_to_decision_level(self) -> bool:
        """CMP-5: a serious complaint goes to the decision level (最高决策层), which decides on recall."""
        return self.severity == "serious"


def decide_severity(requested: str, customer_tier: str | None) -> SeverityDecision:
    """CMP-5: what the desk asked for, raised to ``serious`` for Diamond and Platinum customers."""
    if requested == "serious":
        return SeverityDecision("serious", "recorded_as_serious")
    if customer_tier in SERIOUS_BY_DEFAULT_TIERS:
        return SeverityDecision("serious", f"customer_tier:{customer_tier}")
    return SeverityDecision("general", None)


def set_severity(current: str, requested: str) -> SeverityDecision:
    """CMP-5 (rev. 2026-12): the quality manager sets the severity, a Diamond/Platinum default included;
    the same severity again is no change."""
    if requested == current:
        raise ValueError(f"the complaint is {current} already")
    return SeverityDecision(requested, "set_by_quality_department")


def decision_refused(severity: str, decided_before: bool) -> str | None:
    """CMP-5: why the decision level may not record a decision now (None: it may). Only serious
    complaints reach it, and its decision is recorded once."""
    if severity != "serious":
        return "only a serious complaint goes to the decision level"
    if decided_before:
        return "the decision level has decided on this complaint already"
    return None


def customer_warnings(customer_id: str | None, customer_known: bool | None) -> list[str]:
    """A customer id intake's copy of crm did not hold at receipt is accepted (the copy is fed by events
    and may lag), and said so: its tier could not raise the severity (CMP-5)."""
    if customer_known is not False:
        return []
    return [
        f"customer {customer_id} was not in intake's copy of crm's customers when the complaint was received "
        "(unknown, or not arrived yet): the severity was decided without the customer's tier"
    ]


def overdue_stages(status: str, investigate_by: datetime, reply_by: datetime, now: datetime) -> list[str]:
    """CMP-3: which SLAs a complaint has missed and is still missing right now.

    Investigation is late while the complaint is still only ``received`` past ``investigate_by``;
    the reply is late while no reply exists (received or investigating) past ``reply_by``.
    """
    late = []
    if status == "received" and now > investigate_by:
        late.append("investigate")
    if status in ("received", "investigating") and now > reply_by:
        late.append("reply")
    return late


def on_time(done_at: datetime | None, due: datetime) -> bool | None:
    """CMP-3 after the fact: was the step done by its deadline (None while it is not done)."""
    return None if done_at is None else done_at <= due


OVERDUE_INVESTIGATION_STATUSES = ("received",)
OVERDUE_REPLY_STATUSES = ("received", "investigating")

COMPARISON_WINDOW = timedelta(days=90)


def comparison_window(received_at: datetime) -> tuple[datetime, datetime]:
    """CMP-6: complaints received within 90 days either side are compared (同批/同类投诉对比)."""
    return received_at - COMPARISON_WINDOW, received_at + COMPARISON_WINDOW


QUALITY_HEAD_ROLE = "quality_manager"
DECISION_LEVEL_ROLE = "executive"


def may_act(action: Action, actor: str, roles: list[str], owner: str, severity: str = "general") -> bool:
    """CMP-7 首问负责制: the owner works the complaint until handing it over; the quality department
    may step in at any time. CMP-4: the quality-department head signs a reply, and for a serious
    complaint the company head may too (CMP-5); only the quality department escalates or sets the
    severity; only the decision level records its decision."""
    if action is Action.REPLY:
        return QUALITY_HEAD_ROLE in roles or (severity == "serious" and DECISION_LEVEL_ROLE in roles)
    if action in (Action.ESCALATE, Action.SEVERITY):
        return QUALITY_HEAD_ROLE in roles
    if action is Action.DECISION:
        return DECISION_LEVEL_ROLE in roles
    return actor == owner or QUALITY_HEAD_ROLE in roles


# Only the incident a complaint opened itself is shown on it: aggregate incidents its pieces count
# toward (CLS-2) are found on classification.
COMPLAINT_ORIGIN = "complaint"


def complaints_shown(origin: str | None, source_ids: list[str]) -> list[uuid.UUID]:
    """The complaints an incident event is shown on: the sources of an incident a complaint opened."""
    if origin != COMPLAINT_ORIGIN:
        return []
    found = []
    for source_id in source_ids:
        try:
            found.append(uuid.UUID(source_id))
        except ValueError:
            continue
    return found


@dataclass(frozen=True)
class IncidentLink:
    """What a complaint shows of the incident it opened, as one event told it at ``at``."""

    complaint_id: uuid.UUID
    incident_id: uuid.UUID
    level: str
    problem_level: str | None
    status: str
    at: datetime


def newest_links(links: Iterable[IncidentLink]) -> list[IncidentLink]:
    """Per complaint, the link applying the events one by one would leave: the latest ``at``, and of
    equal times the later event (a fact as new as the stored one replaces it). Ordered by complaint,
    as the statement per event sorted its ids; Postgres does not promise to lock in that order, so
    a deadlock between batches sharing rows stays possible: it is transient, and the batch is
    applied again."""
    newest: dict[uuid.UUID, IncidentLink] = {}
    for link in links:
        held = newest.get(link.complaint_id)
        if held is None or held.at <= link.at:
            newest[link.complaint_id] = link
    return [newest[complaint_id] for complaint_id in sorted(newest)]
