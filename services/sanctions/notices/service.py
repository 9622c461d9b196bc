"""Violation and notice decisions (SAN-2, SAN-3, SAN-4, SAN-6) and their events (never commits)."""

import logging
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from services.sanctions.clauses import service as catalog
from services.sanctions.clauses.rules import (
    AmountError,
    AmountRule,
    Catalog,
    Kind,
    Offence,
    PriorRecord,
    RuleKind,
    check_chosen,
    range_bounds,
    twelve_months_before,
)
from services.sanctions.clauses.rules import charge as price
from services.sanctions.notices import repository
from services.sanctions.notices.models import Notice, NoticeStep, Violation
from services.sanctions.notices.rules import (
    LEADERSHIP_CLAUSE,
    ActMember,
    DisputeStatus,
    Status,
    act_key,
    check_decidable,
    check_disputable,
    contending,
    needs_leadership_draft,
    next_status,
    resolve_act,
)
from services.sanctions.notices.schemas import (
    ActOut,
    Charged,
    DecisionIn,
    DisputeIn,
    IssueIn,
    NameEmployeeIn,
    NoticeBrief,
    ViolationFacts,
    ViolationIn,
)
from services.sanctions.summaries import repository as months
from services.sanctions.summaries.rules import first_open_month, month_of
from shared import clock
from shared.auth import Principal, Role
from shared.errors import conflict, found, not_found
from shared.events.classification import IncidentClassifiedV1, IncidentEscalatedV1
from shared.events.sanctions import (
    NoticeAmendedV1,
    NoticeDisputeDecidedV1,
    NoticeDisputedV1,
    NoticeIssuedV1,
    NoticeRestoredV1,
    NoticeStampedV1,
    NoticeStepEvent,
    NoticeSupersededV1,
    NoticeWithdrawnV1,
)
from shared.messaging.outbox import add_event
from shared.schemas import attributes_of

log = logging.getLogger("qms.sanctions.notices")

StepEvent = TypeVar("StepEvent", bound=NoticeStepEvent)

# §7: quality, administration and finance see every notice; anyone else only their own.
SEE_ALL = (Role.QUALITY_MANAGER, Role.ADMIN_DEPT, Role.FINANCE)


def can_see(principal: Principal, employee_id: str | None) -> bool:
    return principal.has_any(SEE_ALL) or (employee_id is not None and principal.sub == employee_id)


def notice_step(notice: Notice, action: str, before: str | None, actor: str, at: datetime, **detail: Any) -> NoticeStep:
    return NoticeStep(
        notice_id=notice.id,
        action=action,
        from_status=before,
        to_status=notice.status,
        actor=actor,
        at=at,
        detail={key: value for key, value in detail.items() if value is not None},
    )


async def _open_month(session: AsyncSession, month: str) -> str:
    return first_open_month(month, await months.closed_from(session, month))


async def record_violation(
    session: AsyncSession, payload: ViolationIn, recorded_by: str
) -> tuple[Violation, Notice, ActOut | None]:
    """SAN-2 prices the violation into a draft notice; SAN-3 then decides which notice of its act is charged."""
    employee = Charged.model_validate(payload.employee.model_dump())
    return await _record(session, payload, employee, recorded_by, source="http")


async def _record(
    session: AsyncSession,
    payload: ViolationFacts,
    employee: Charged,
    recorded_by: str,
    *,
    source: str,
    notice_id: uuid.UUID | None = None,
) -> tuple[Violation, Notice, ActOut | None]:
    version, current = await catalog.current(session)
    clause = current.clause(payload.clause)
    variant, rule = clause.variant(payload.variant)
    key = act_key(payload.act_id, payload.incident_id)
    if employee.id is not None:
        await repository.lock_employee(session, employee.id)
    prior = await _prior_record(session, clause.code, rule, payload, employee.id, key)
    offence = Offence(
        payload.pieces, payload.amount, payload.compensation, payload.aggravating, payload.shift, payload.note
    )
    priced = price(clause.kind, rule, offence, prior, current.aggravation_factor)
    now = clock.now()
    # What the violation and its notice both record: the person, the act's facts, the clause's case.
    recorded = {
        "clause": clause.code,
        "variant": variant,
        "employee_id": employee.id,
        "employee_name": employee.name,
        "department": employee.department,
        "pieces": payload.pieces,
        "shift": payload.shift,
        "occurred_at": payload.occurred_at,
        "incident_id": payload.incident_id,
    }
    violation = Violation(
        id=uuid.uuid4(),
        **recorded,
        act_id=payload.act_id,
        requested_amount=payload.amount,
        compensation=payload.compensation,
        aggravating=payload.aggravating,
        note=payload.note,
        source=source,
        recorded_by=recorded_by,
        created_at=now,
    )
    notice = Notice(
        id=notice_id or uuid.uuid4(),
        violation_id=violation.id,
        **recorded,
        catalog_version=version.version,
        kind=clause.kind.value,
        act_key=key,
        amount=priced.amount,
        compensation=priced.compensation,
        dismissal=priced.dismissal,
        amount_chosen=priced.amount_chosen,
        aggravated=priced.aggravated,
        basis=priced.basis,
        status=Status.DRAFT.value,
        month=await _open_month(session, month_of(payload.occurred_at)),
        created_at=now,
        updated_at=now,
    )
    await repository.add(session, violation, notice)
    await repository.add_steps(session, [notice_step(notice, "drafted", None, recorded_by, now, source=source)])
    act = await _settle_act(session, notice.employee_id, key, recorded_by, now)
    return violation, notice, act


async def _prior_record(
    session: AsyncSession,
    clause: str,
    rule: AmountRule,
    payload: ViolationFacts,
    employee_id: str | None,
    key: str | None,
) -> PriorRecord:
    """What the person's earlier notices say; a draft naming only a department has no earlier record."""
    if employee_id is None:
        return PriorRecord()
    earlier, recent = await _repeats(session, employee_id, clause, payload.occurred_at, key)
    shift_pieces = (
        await repository.pieces_in_shift(session, employee_id, clause, payload.shift)
        if rule.rule is RuleKind.PER_PIECE_WITH_SHIFT_CAP and payload.shift is not None
        else 0
    )
    return PriorRecord(repeats_within_12_months=recent, earlier_offences=earlier, shift_pieces_before=shift_pieces)


async def _repeats(
    session: AsyncSession,
    employee_id: str,
    clause: str,
    occurred_at: datetime,
    key: str | None,
    exclude: uuid.UUID | None = None,
) -> tuple[int, int]:
    """The person's charged notices under ``clause`` before ``occurred_at`` (other acts only): in all, and
    within the 12 months before (SAN-2)."""
    earlier = await repository.earlier_offences(session, employee_id, clause, occurred_at, None, key, exclude=exclude)
    since = twelve_months_before(occurred_at)
    recent = await repository.earlier_offences(session, employee_id, clause, occurred_at, since, key, exclude=exclude)
    return earlier, recent


async def _reprice_later_drafts(session: AsyncSession, changed: Notice, actor: str, now: datetime) -> None:
    """SAN-2 (rev. 2026-12): an earlier notice counts as a repeat only while it is charged. When one stops
    (withdrawn, superseded) or starts again (restored), the person's later drafts under the same clause
    whose amount depends on repeats are priced again; issued notices stay as handed out."""
    if changed.employee_id is None or changed.kind != Kind.PENALTY.value:
        return
    for later in await repository.later_drafts(session, changed.employee_id, changed.clause, changed.occurred_at):
        if later.id != changed.id:
            await _reprice(session, later, actor, now)


async def _reprice(session: AsyncSession, notice: Notice, actor: str, now: datetime) -> None:
    version, priced_under = await catalog.at_version(session, notice.catalog_version)
    _, rule = priced_under.clause(notice.clause).variant(notice.variant)
    if not (rule.rule is RuleKind.REPEAT_ESCALATION or rule.aggravated_on_repeat):
        return
    violation = await repository.violation_of(session, notice.violation_id)
    assert violation is not None and notice.employee_id is not None
    earlier, recent = await _repeats(
        session, notice.employee_id, notice.clause, notice.occurred_at, notice.act_key, exclude=notice.id
    )
    offence = Offence(
        violation.pieces,
        violation.requested_amount,
        violation.compensation,
        violation.aggravating,
        violation.shift,
        violation.note,
    )
    prior = PriorRecord(repeats_within_12_months=recent, earlier_offences=earlier)
    try:
        priced = price(Kind(notice.kind), rule, offence, prior, version.aggravation_factor)
    except AmountError as exc:
        log.warning("draft %s keeps its amount: priced again it is refused (%s)", notice.id, exc.detail)
        return
    if (priced.amount, priced.dismissal, priced.aggravated) == (notice.amount, notice.dismissal, notice.aggravated):
        return
    before = notice.amount
    notice.amount, notice.dismissal, notice.aggravated = priced.amount, priced.dismissal, priced.aggravated
    notice.basis, notice.updated_at = priced.basis, now
    step = notice_step(
        notice, "repriced", notice.status, actor, now, previous_amount=str(before), amount=str(notice.amount)
    )
    await repository.add_steps(session, [step])
    # Its severity changed: its own act is settled again (one level: a repricing reprices nothing further).
    await _settle_act(session, notice.employee_id, notice.act_key, actor, now, reprice=False)


def _member(notice: Notice, at_stake: Decimal, *, status: Status | None = None) -> ActMember:
    return ActMember(
        id=notice.id,
        kind=notice.kind,
        status=status or Status(notice.status),
        at_stake=at_stake,
        dismissal=notice.dismissal,
        created_at=notice.created_at,
        superseded_by=notice.superseded_by,
    )


async def _at_stake(session: AsyncSession, notice: Notice, catalogs: dict[int, Catalog]) -> Decimal:
    """SAN-3 (rev. 2026-12): the chosen amount once one is chosen, else a range clause's maximum."""
    if notice.amount_chosen:
        return notice.amount
    if notice.catalog_version not in catalogs:
        catalogs[notice.catalog_version] = (await catalog.at_version(session, notice.catalog_version))[1]
    _, rule = catalogs[notice.catalog_version].clause(notice.clause).variant(notice.variant)
    return range_bounds(rule, notice.pieces)[1] if rule.is_range else notice.amount


async def _ranked(session: AsyncSession, notices: list[Notice], drafting: uuid.UUID | None = None) -> list[ActMember]:
    """The act's notices as SAN-3 ranks them; ``drafting`` is ranked as the draft it was a moment ago."""
    catalogs: dict[int, Catalog] = {}
    return [
        _member(
            notice, await _at_stake(session, notice, catalogs), status=Status.DRAFT if notice.id == drafting else None
        )
        for notice in notices
    ]


async def _settle_act(
    session: AsyncSession,
    employee_id: str | None,
    key: str | None,
    actor: str,
    now: datetime,
    *,
    reprice: bool = True,
) -> ActOut | None:
    """SAN-3 (§6.1): only the most severe penalty of one act is charged, whatever the order of arrival.
    A draft that names no person yet is no one's act until the person is named (SAN-6)."""
    if key is None or employee_id is None:
        return None
    members = await repository.act_members(session, employee_id, key)
    ranked = await _ranked(session, members)
    charged, verdicts = resolve_act(ranked)
    by_id = {notice.id: notice for notice in members}
    steps = []
    for verdict in verdicts:
        notice = by_id[verdict.id]
        before = notice.status
        notice.status, notice.superseded_by, notice.updated_at = verdict.status.value, verdict.superseded_by, now
        action = "superseded" if verdict.status is Status.SUPERSEDED else "restored"
        steps.append(notice_step(notice, action, before, actor, now, charged=str(charged)))
        if verdict.status is Status.SUPERSEDED:
            assert verdict.superseded_by is not None
            await add_event(
                session,
                step_event(
                    NoticeSupersededV1, notice, actor, now, superseded_by=str(verdict.superseded_by), act_key=key
                ),
            )
        else:
            await add_event(session, step_event(NoticeRestoredV1, notice, actor, now, act_key=key))
    await repository.add_steps(session, steps)
    if reprice:
        for verdict in verdicts:
            await _reprice_later_drafts(session, by_id[verdict.id], actor, now)
    shown = {member.id for member in contending(ranked)}
    notices = [NoticeBrief.model_validate(notice) for notice in members if notice.id in shown]
    return ActOut(key=key, charged=charged, notices=notices)


async def _locked(session: AsyncSession, notice_id: uuid.UUID) -> Notice:
    """Locks in one order for every step: the months (shared; a close takes it alone), the person (as
    violations take it), then the notice row — so a step and a month close never wait on each other."""
    await months.lock_months(session, exclusive=False)
    charged = found(await repository.charged_of(session, notice_id), "notice", notice_id)
    if charged.employee_id is not None:
        await repository.lock_employee(session, charged.employee_id)
    notice = await repository.get(session, notice_id, for_update=True)
    assert notice is not None
    return notice


def _advance(notice: Notice, action: str) -> str:
    before = notice.status
    notice.status = next_status(action, Status(notice.status)).value
    return before


async def issue(session: AsyncSession, notice_id: uuid.UUID, body: IssueIn, principal: Principal) -> Notice:
    """SAN-4 (§6.2): only the quality department issues; a range amount must be chosen inside its range."""
    notice = await _locked(session, notice_id)
    # Every check comes before the notice moves on: a refused issue leaves it as it was.
    issued = next_status("issue", Status(notice.status))
    _check_person_named(notice)
    await _choose_amount(session, notice, body)
    await _check_still_charged(session, notice)
    before, notice.status = notice.status, issued.value
    now = clock.now()
    notice.month = await _open_month(session, notice.month)
    notice.issued_by, notice.issued_at, notice.updated_at = principal.sub, now, now
    await repository.add_steps(
        session, [notice_step(notice, "issued", before, principal.sub, now, amount=str(notice.amount), note=body.note)]
    )
    await add_event(session, issued_event(notice))
    return notice


def _check_person_named(notice: Notice) -> None:
    """SAN-6: an incident draft naming only the department is issued once the person is named."""
    if notice.employee_id is None:
        raise conflict(
            "employee_missing",
            f"this draft names only the department ({notice.department}); name the person first with "
            f"POST /v1/notices/{notice.id}/employee",
            missing=["employee.id"],
        )


async def name_employee(
    session: AsyncSession, notice_id: uuid.UUID, body: NameEmployeeIn, principal: Principal
) -> tuple[Notice, ActOut | None]:
    """SAN-6: the quality department fills in the person a department's draft charges; the notice then
    joins that person's act (SAN-3) like any violation of theirs."""
    notice = await _locked(session, notice_id)
    if notice.employee_id is not None or notice.status != Status.DRAFT.value:
        raise conflict(
            "employee_already_named",
            "only a draft that names no person yet can be given one",
            current_status=notice.status,
            employee_id=notice.employee_id,
        )
    person = body.employee
    await repository.lock_employee(session, person.id)
    now = clock.now()
    notice.employee_id, notice.employee_name = person.id, person.name
    notice.department = person.department or notice.department
    notice.updated_at = now
    step = notice_step(
        notice, "employee_named", notice.status, principal.sub, now, employee_id=person.id, note=body.note
    )
    await repository.add_steps(session, [step])
    act = await _settle_act(session, notice.employee_id, notice.act_key, principal.sub, now)
    return notice, act


async def _choose_amount(session: AsyncSession, notice: Notice, body: IssueIn) -> None:
    _, priced_under = await catalog.at_version(session, notice.catalog_version)
    _, rule = priced_under.clause(notice.clause).variant(notice.variant)
    if not rule.is_range:
        if body.amount is not None:
            raise AmountError("amount_not_choosable", f"a {rule.rule} amount is set by the catalog")
        return
    if body.amount is None:
        if not notice.amount_chosen:
            raise AmountError("amount_required", "issuing a range clause needs the chosen amount")
        return
    notice.amount = check_chosen(rule, notice.pieces, body.amount)
    notice.amount_chosen = True
    notice.basis = "amount chosen within the range at issue"


async def _check_still_charged(session: AsyncSession, notice: Notice) -> None:
    """A chosen amount may not make the notice less severe than one it superseded (SAN-3)."""
    if notice.act_key is None or notice.employee_id is None:
        return
    members = await repository.act_members(session, notice.employee_id, notice.act_key)
    charged, _ = resolve_act(await _ranked(session, members, drafting=notice.id))
    if charged is not None and notice.kind == Kind.PENALTY.value and charged != notice.id:
        raise conflict(
            "less_severe_than_act",
            "with this amount another violation of the same act is more severe; issue that one instead",
            charged=str(charged),
        )


async def stamp(session: AsyncSession, notice_id: uuid.UUID, note: str | None, principal: Principal) -> Notice:
    """§6.3: the stamped original goes to administration; it is summarized in its (open) month."""
    notice = await _locked(session, notice_id)
    before = _advance(notice, "stamp")
    notice.month = await _open_month(session, notice.month)
    now = clock.now()
    notice.updated_at = now
    await repository.add_steps(session, [notice_step(notice, "stamped", before, principal.sub, now, note=note)])
    await add_event(session, step_event(NoticeStampedV1, notice, principal.sub, now, note=note))
    return notice


async def withdraw(session: AsyncSession, notice_id: uuid.UUID, note: str | None, principal: Principal) -> Notice:
    notice = await _locked(session, notice_id)
    before = _advance(notice, "withdraw")
    now = clock.now()
    notice.superseded_by, notice.updated_at = None, now
    await repository.add_steps(session, [notice_step(notice, "withdrawn", before, principal.sub, now, note=note)])
    await add_event(
        session, step_event(NoticeWithdrawnV1, notice, principal.sub, now, note=note, previous_status=before)
    )
    # A notice it outranked is charged again; a later one it made a repeat is priced again.
    await _settle_act(session, notice.employee_id, notice.act_key, principal.sub, now)
    await _reprice_later_drafts(session, notice, principal.sub, now)
    return notice


async def dispute(session: AsyncSession, notice_id: uuid.UUID, body: DisputeIn, principal: Principal) -> Notice:
    """§6.5: the person (or quality/administration for them) disputes; administration decides."""
    notice = await _locked(session, notice_id)
    if not (principal.sub == notice.employee_id or principal.has_any((Role.QUALITY_MANAGER, Role.ADMIN_DEPT))):
        raise not_found("notice", str(notice_id))
    current = DisputeStatus(notice.dispute_status) if notice.dispute_status else None
    check_disputable(Status(notice.status), current)
    now = clock.now()
    notice.dispute_status, notice.updated_at = DisputeStatus.OPEN.value, now
    await repository.add_steps(
        session, [notice_step(notice, "disputed", notice.status, principal.sub, now, reason=body.reason)]
    )
    await add_event(session, step_event(NoticeDisputedV1, notice, principal.sub, now, reason=body.reason))
    return notice


async def decide(session: AsyncSession, notice_id: uuid.UUID, body: DecisionIn, principal: Principal) -> Notice:
    """§6.5: administration's decision is final: the notice stands, is amended, or is withdrawn."""
    notice = await _locked(session, notice_id)
    current = DisputeStatus(notice.dispute_status) if notice.dispute_status else None
    check_decidable(current)
    now = clock.now()
    before, previous_amount = notice.status, notice.amount
    notice.dispute_status, notice.updated_at = body.outcome, now
    if body.outcome == "amended":
        assert body.amount is not None
        notice.amount, notice.amount_chosen = body.amount, True
        notice.basis = "amended by administration's dispute decision (§6.5)"
    elif body.outcome == "withdrawn":
        notice.status, notice.superseded_by = Status.WITHDRAWN.value, None
    await repository.add_steps(
        session,
        [
            notice_step(
                notice,
                "dispute_decided",
                before,
                principal.sub,
                now,
                outcome=body.outcome,
                amount=str(body.amount) if body.amount is not None else None,
                note=body.note,
            )
        ],
    )
    actor, note = principal.sub, body.note
    await add_event(session, step_event(NoticeDisputeDecidedV1, notice, actor, now, note=note, outcome=body.outcome))
    if body.outcome == "amended":
        amended = step_event(NoticeAmendedV1, notice, actor, now, note=note, previous_amount=previous_amount)
        await add_event(session, amended)
    elif body.outcome == "withdrawn":
        await add_event(session, step_event(NoticeWithdrawnV1, notice, actor, now, note=note, previous_status=before))
        await _settle_act(session, notice.employee_id, notice.act_key, principal.sub, now)
        await _reprice_later_drafts(session, notice, principal.sub, now)
    return notice


async def draft_for_incident(session: AsyncSession, incident: IncidentClassifiedV1 | IncidentEscalatedV1) -> None:
    """SAN-6: a batch or major incident drafts 5.2.1.13 for the responsible department's head, once —
    for the department alone when the head is not known by name."""
    if not needs_leadership_draft(incident.level):
        return
    notice_id = uuid.uuid4()
    if not await repository.claim_incident_draft(session, incident.incident_id, LEADERSHIP_CLAUSE, notice_id):
        return
    occurred_at = incident.escalated_at if isinstance(incident, IncidentEscalatedV1) else incident.classified_at
    facts = ViolationFacts(
        clause=LEADERSHIP_CLAUSE,
        occurred_at=occurred_at,
        incident_id=incident.incident_id,
        note=f"{incident.level} incident {incident.incident_id}: leadership responsibility",
    )
    head = Charged(id=incident.responsible_head or None, department=incident.responsible_department or None)
    if head.id is None:
        log.info(
            "%s incident %s: 5.2.1.13 drafted for department %s, head to be named",
            incident.level,
            incident.incident_id,
            head.department,
        )
    await _record(session, facts, head, "classification", source="incident", notice_id=notice_id)


def issued_event(notice: Notice) -> NoticeIssuedV1:
    assert notice.issued_by is not None and notice.issued_at is not None
    return NoticeIssuedV1(**attributes_of(notice, NoticeIssuedV1), notice_id=str(notice.id))


def step_event(
    event: type[StepEvent], notice: Notice, actor: str, at: datetime, *, note: str | None = None, **extra: Any
) -> StepEvent:
    """SAN-4: every step of a notice is published, with the notice as it stands after the step."""
    standing = attributes_of(notice, NoticeStepEvent)
    return event(**{**standing, "notice_id": str(notice.id), "actor": actor, "at": at, "note": note, **extra})
