"""CLS-2: returns aggregates and the incidents they open, set-based per fetched batch (never commits).

Exactness comes from SQL, not from memory: a line id is stored once (unique), totals are added with
``INSERT … ON CONFLICT DO UPDATE … RETURNING``, and an aggregate incident is claimed under a unique
(kind, key). The aggregate row stays locked until the transaction ends, so whoever crosses a threshold
is the only one deciding about that key, even with several consumers sharing a shipped batch.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository as incidents_repository
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.levels import service as levels_service
from services.classification.levels.rules import is_escalation, with_updated_reason
from services.classification.metrics import INCIDENTS_OPENED, RETURN_LINES
from services.classification.returns import repository
from services.classification.returns.rules import (
    CountKey,
    Crossing,
    Settled,
    Step,
    Sum,
    batch_crossing,
    complaint_counts,
    first_of_each_line,
    major_crossing,
    model_date_increases,
    model_date_key,
    reaches,
    settling_returns,
    sums_by_shipped_batch,
    sums_of_returns,
)
from shared.clock import now
from shared.events.intake import ComplaintReceivedV1, ReturnRecordedV1
from shared.events.registry import EventData
from shared.messaging.outbox import add_events
from shared.observability import count_when_committed

BATCH, MAJOR = "batch", "major"


@dataclass(frozen=True)
class _Context:
    """What every write of one fetched batch shares: the rule set in force, the time, the events."""

    rule_set: levels_service.RuleSetInForce
    at: datetime
    events: list[EventData] = field(default_factory=list)


@dataclass(frozen=True)
class _Totals:
    """The totals of the keys at or over their thresholds, before and after this batch."""

    model_dates: dict[tuple[str, date], tuple[int, int]]
    shipped_batches: dict[str, tuple[int, int]]


@dataclass
class _Locked:
    """The incidents this batch may touch, all locked by one statement in id order (so two consumers
    sharing a shipped batch wait for each other, never deadlock), and the keys they hold."""

    held: dict[tuple[str, str], uuid.UUID]
    incidents: dict[uuid.UUID, Incident]
    model_dates: dict[str, list[tuple[str, date]]]
    candidates: dict[str, list[uuid.UUID]]
    opened: set[uuid.UUID] = field(default_factory=set)

    def holder(self, kind: str, key: str) -> Incident | None:
        incident_id = self.held.get((kind, key))
        return self.incidents.get(incident_id) if incident_id is not None else None

    def take(self, kind: str, key: str, incident: Incident) -> None:
        self.held[(kind, key)] = incident.id
        self.incidents[incident.id] = incident


async def record_returns(session: AsyncSession, lines: list[ReturnRecordedV1]) -> None:
    not_positive = [line.line_id for line in lines if line.quantity <= 0]
    if not_positive:
        # RET-1 quantities are > 0; failing lets the consumer dead-letter exactly these lines, one by one.
        raise ValueError(f"return lines with a quantity of 0 or less: {not_positive[:10]}")
    unique = first_of_each_line(lines)
    stored = await repository.insert_new_lines(session, unique)
    fresh = [line for line in unique if line.line_id in stored]
    count_when_committed(RETURN_LINES.labels("duplicate"), len(lines) - len(fresh))
    if not fresh:
        return
    count_when_committed(RETURN_LINES.labels("counted"), len(fresh))
    settled = await _settle(session, settling_returns(fresh), adding=True)
    await _apply_sums(session, sums_of_returns(fresh, settled), sums_by_shipped_batch(fresh))


async def count_complaints(session: AsyncSession, complaints: list[ComplaintReceivedV1]) -> None:
    """CLS-2 (rev. 2026-12): a product complaint's quantity counts in its (model, production date) sum,
    less what return lines settling it counted already; crossing 50 opens the batch incident as returns
    do. A complaint delivered again sets the same quantity again and adds nothing."""
    grown = await _settle(session, complaint_counts(complaints), adding=False)
    sums = {key: Sum(quantity, 0) for key, quantity in grown.items() if quantity > 0}
    if sums:
        await _apply_sums(session, sums, {})


async def _settle(session: AsyncSession, pieces: dict[CountKey, int], adding: bool) -> dict[tuple[str, date], int]:
    """Records the complaints' pieces (``adding``: returned pieces added; else complained pieces set) on
    their locked rows; returns how much each (model, date) sum grows by them."""
    if not pieces:
        return {}
    before = await repository.lock_complaint_counts(session, list(pieces))
    after = {
        key: Settled(was.complained, was.returned + pieces[key]) if adding else Settled(pieces[key], was.returned)
        for key, was in before.items()
    }
    await repository.write_complaint_counts(session, after)
    return model_date_increases(before, after)


async def _apply_sums(
    session: AsyncSession, model_dates: dict[tuple[str, date], Sum], shipped_batches: dict[str, Sum]
) -> None:
    """Adds to the totals and opens, upgrades or updates the incidents of the thresholds they reach
    (CLS-1/2); what each total does is decided by ``batch_crossing`` and ``major_crossing``."""
    by_model_date = await repository.add_to_model_dates(session, model_dates)
    by_shipped_batch = await repository.add_to_shipped_batches(session, shipped_batches)
    context = _Context(await levels_service.rule_set_in_force(session), now())
    totals = _totals_over_thresholds(context, model_dates, by_model_date, shipped_batches, by_shipped_batch)
    if not totals.model_dates and not totals.shipped_batches:
        return
    locked = await _lock_incidents(session, totals)
    await _batch_incidents(session, context, totals, locked)
    await _major_incidents(session, context, totals, locked)
    await add_events(session, context.events)


def _totals_over_thresholds(
    context: _Context,
    model_dates: dict[tuple[str, date], Sum],
    by_model_date: dict[tuple[str, date], int],
    shipped_batches: dict[str, Sum],
    by_shipped: dict[str, int],
) -> _Totals:
    thresholds = context.rule_set.thresholds
    return _Totals(
        model_dates={
            key: (total - model_dates[key].quantity, total)
            for key, total in by_model_date.items()
            if reaches(total, thresholds.batch_returns_same_model_date)
        },
        shipped_batches={
            shipped: (total - shipped_batches[shipped].quantity, total)
            for shipped, total in by_shipped.items()
            if reaches(total, thresholds.major_returns_shipped_batch)
        },
    )


async def _lock_incidents(session: AsyncSession, totals: _Totals) -> _Locked:
    """Finds every incident this batch may touch, then locks them all at once."""
    batch_keys = [model_date_key(*key) for key in totals.model_dates]
    held = await incidents_repository.key_holders(session, batch_keys, list(totals.shipped_batches))
    model_dates: dict[str, list[tuple[str, date]]] = {}
    candidates: dict[str, list[uuid.UUID]] = {}
    for shipped in totals.shipped_batches:
        if (MAJOR, shipped) in held:
            continue
        model_dates[shipped] = await repository.model_dates_of_shipped_batch(session, shipped)
        keys = [model_date_key(model, day) for model, day in model_dates[shipped]]
        candidates[shipped] = await incidents_repository.upgrade_candidates(session, keys)
    wanted = {*held.values(), *(i for ids in candidates.values() for i in ids)}
    return _Locked(held, await incidents_repository.lock(session, wanted), model_dates, candidates)


async def _batch_incidents(session: AsyncSession, context: _Context, totals: _Totals, locked: _Locked) -> None:
    """CLS-1/2 per (model, production date): the keys a fetched batch carries over the threshold are
    opened together, in a few statements."""
    crossing: list[_Opening] = []
    for (model, day), (before, after) in sorted(totals.model_dates.items()):
        key = model_date_key(model, day)
        incident = locked.holder(BATCH, key)
        decision = batch_crossing(before, after, context.rule_set.thresholds, incident.level if incident else None)
        if decision is None:
            continue
        if decision.step is Step.UPDATE and incident is not None:
            _update_observed(incident, decision, context.at)
        elif decision.step is Step.OPEN:
            aggregate = {"model": model, "production_date": day}
            crossing.append(_Opening(key, decision, aggregate, aggregate))
    opened = await _open(session, context, BATCH, crossing)
    for opening, incident in zip(crossing, opened, strict=True):
        locked.take(BATCH, opening.key, incident)
        locked.opened.add(incident.id)
    await _publish_opened(session, context, opened)


async def _major_incidents(session: AsyncSession, context: _Context, totals: _Totals, locked: _Locked) -> None:
    """CLS-1/2 per shipped batch: opens a major incident, upgrades the one batch incident of that shipped
    batch's returns, or updates the incident holding it."""
    for shipped, (before, after) in sorted(totals.shipped_batches.items()):
        incident = locked.holder(MAJOR, shipped)
        candidates = [] if incident is not None else await _still_candidates(session, locked, shipped)
        upgradable = candidates[0] if len(candidates) == 1 else None
        decision = major_crossing(
            before,
            after,
            context.rule_set.thresholds,
            incident.level if incident else None,
            upgradable.level if upgradable else None,
        )
        if decision is None:
            continue
        if decision.step is Step.UPDATE and incident is not None:
            _update_observed(incident, decision, context.at)
        elif decision.step is Step.UPGRADE and upgradable is not None:
            await _upgrade(session, context, upgradable, shipped, decision)
            locked.take(MAJOR, shipped, upgradable)
        elif decision.step is Step.OPEN:
            locked.take(MAJOR, shipped, await _open_major(session, context, locked, shipped, decision))


async def _still_candidates(session: AsyncSession, locked: _Locked, shipped: str) -> list[Incident]:
    """The batch incidents of the shipped batch's (model, date)s, open and not yet major for another
    shipped batch, now that they are locked; with those this very batch opened."""
    found_locked = [locked.incidents[i] for i in locked.candidates.get(shipped, []) if i in locked.incidents]
    majors = await incidents_repository.holding_major_keys(session, [i.id for i in found_locked])
    found = {i.id: i for i in found_locked if i.status == "open" and i.id not in majors}
    for model, day in locked.model_dates.get(shipped, []):
        opened = locked.holder(BATCH, model_date_key(model, day))
        if opened is not None and opened.id in locked.opened:
            found[opened.id] = opened
    return sorted(found.values(), key=lambda i: i.id)


async def _open_major(
    session: AsyncSession, context: _Context, locked: _Locked, shipped: str, decision: Crossing
) -> Incident:
    model_dates = locked.model_dates.get(shipped, [])
    models = {model for model, _ in model_dates}
    days = {day for _, day in model_dates}
    facts = {
        "model": next(iter(models)) if len(models) == 1 else None,
        "production_date": next(iter(days)) if len(days) == 1 else None,
        "shipped_batch_no": shipped,
    }
    opening = _Opening(shipped, decision, {"shipped_batch_no": shipped}, facts)
    [incident] = await _open(session, context, MAJOR, [opening])
    await _publish_opened(session, context, [incident])
    return incident


@dataclass(frozen=True)
class _Opening:
    """An aggregate key that crossed its threshold: what its incident observed and stands for."""

    key: str
    decision: Crossing
    aggregate: dict[str, Any]
    facts: dict[str, Any]


async def _open(session: AsyncSession, context: _Context, kind: str, openings: list[_Opening]) -> list[Incident]:
    """Opens one incident per key, each claiming its key, with a statement per table, not per key."""
    if not openings:
        return []
    responsibility = await levels_service.responsibility_for(session, None)
    incidents = [
        incidents_service.new_incident(
            "returns",
            opening.decision.level,
            context.rule_set.version,
            responsibility,
            context.at,
            reasons=[opening.decision.reason],
            description=(
                f"returns of {opening.key} reached {opening.decision.reason['observed']} "
                f"(threshold {opening.decision.reason['threshold']})"
            ),
            **opening.facts,
        )
        for opening in openings
    ]
    histories = [("opened", incidents_service.SYSTEM, {"from": "returns", "key": o.key}) for o in openings]
    await incidents_repository.add_many(session, incidents, [], histories, context.at)
    claims = [(o.key, incident.id, o.aggregate) for o, incident in zip(openings, incidents, strict=True)]
    taken = {o.key for o in openings} - await incidents_repository.claim_keys(session, kind, claims)
    if taken:
        # The aggregate rows are locked by this transaction, so nobody else can hold the keys: a bug if so.
        raise RuntimeError(f"incident keys of kind {kind} taken although their aggregates are locked: {sorted(taken)}")
    count_when_committed(INCIDENTS_OPENED.labels("returns", kind), len(incidents))
    return incidents


async def _upgrade(
    session: AsyncSession, context: _Context, incident: Incident, shipped: str, decision: Crossing
) -> None:
    previous = incident.level
    incident.level = decision.level
    incident.reasons = with_updated_reason(incident.reasons, decision.reason)
    incident.shipped_batch_no = shipped
    incident.updated_at = context.at
    claim = (shipped, incident.id, {"shipped_batch_no": shipped})
    if shipped not in await incidents_repository.claim_keys(session, MAJOR, [claim]):
        raise RuntimeError(f"incident key ({MAJOR}, {shipped}) is taken although its aggregate is locked")
    detail = {"from": previous, "to": incident.level, "shipped_batch_no": shipped, "reason": decision.reason}
    await incidents_repository.add_history(
        session, incident.id, "escalated", incidents_service.SYSTEM, detail, context.at
    )
    await _publish(session, context, incident, previous)


def _update_observed(incident: Incident, decision: Crossing, at: datetime) -> None:
    incident.reasons = with_updated_reason(incident.reasons, decision.reason)
    incident.updated_at = at


async def _publish(session: AsyncSession, context: _Context, incident: Incident, previous_level: str | None) -> None:
    await session.flush()
    sources = (await incidents_repository.sources_of(session, [incident.id], incidents_service.EVENT_SOURCE_IDS))[
        incident.id
    ]
    if previous_level is not None and is_escalation(previous_level, incident.level):
        context.events.append(incidents_service.escalated_event(incident, sources, previous_level))
    else:
        context.events.append(incidents_service.classified_event(incident, sources))


async def _publish_opened(session: AsyncSession, context: _Context, incidents: list[Incident]) -> None:
    """``incident.classified`` for incidents this batch opened, their sources read in one query."""
    if not incidents:
        return
    await session.flush()
    opened = [incident.id for incident in incidents]
    sources = await incidents_repository.sources_of(session, opened, incidents_service.EVENT_SOURCE_IDS)
    context.events.extend(incidents_service.classified_event(incident, sources[incident.id]) for incident in incidents)
