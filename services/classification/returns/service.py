"""CLS-2: returns aggregates and the incidents they open, set-based per fetched batch (never commits).

Exactness comes from SQL, not from memory: a line id is stored once (unique), totals are added with
``INSERT … ON CONFLICT DO UPDATE … RETURNING``, and an aggregate incident is claimed under a unique
(kind, key). The aggregate row stays locked until the transaction ends, so whoever crosses a threshold
is the only one deciding about that key, even with several consumers sharing a shipped batch.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository as incidents_repository
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.metrics import INCIDENTS_OPENED, RETURN_LINES
from services.classification.returns import repository
from services.classification.returns.rules import (
    CountKey,
    Settled,
    Sum,
    complaint_counts,
    first_of_each_line,
    model_date_increases,
    model_date_key,
    settling_returns,
    sums_by_shipped_batch,
    sums_of_returns,
)
from services.classification.rules import service as rules_service
from services.classification.rules.rules import Level, higher_level, is_escalation, reason, with_updated_reason
from shared.events.intake import ComplaintReceivedV1, ReturnRecordedV1
from shared.events.registry import EventData
from shared.messaging.outbox import add_events
from shared.observability import count_when_committed

BATCH, MAJOR = "batch", "major"


class _Batch:
    """What one fetched batch decides: the rule set in force, the fresh lines, the events to publish, and
    the incidents it works on, all locked by one statement in id order (so two consumers sharing a
    shipped batch wait for each other, never deadlock)."""

    def __init__(self, rule_set: rules_service.RuleSetInForce) -> None:
        self.rule_set = rule_set
        self.at = datetime.now(UTC)
        self.events: list[EventData] = []
        self.batch_keys: dict[str, tuple[tuple[str, date], int]] = {}
        self.majors: dict[str, int] = {}
        self.model_dates: dict[str, list[tuple[str, date]]] = {}
        self.opened: set[uuid.UUID] = set()
        self.held: dict[tuple[str, str], uuid.UUID] = {}
        self.candidates: dict[str, list[uuid.UUID]] = {}
        self.locked: dict[uuid.UUID, Incident] = {}

    def holder(self, kind: str, key: str) -> Incident | None:
        incident_id = self.held.get((kind, key))
        return self.locked.get(incident_id) if incident_id is not None else None


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
    """Adds to the totals and opens or updates the incidents of the thresholds they reach (CLS-1/2)."""
    by_model_date = await repository.add_to_model_dates(session, model_dates)
    by_shipped_batch = await repository.add_to_shipped_batches(session, shipped_batches)
    batch = _Batch(await rules_service.rule_set_in_force(session))
    _over_thresholds(batch, by_model_date, by_shipped_batch)
    if not batch.batch_keys and not batch.majors:
        return
    await _lock_incidents(session, batch)
    await _batch_incidents(session, batch)
    await _major_incidents(session, batch)
    await add_events(session, batch.events)


def _over_thresholds(batch: _Batch, by_model_date: dict[tuple[str, date], int], by_shipped: dict[str, int]) -> None:
    thresholds = batch.rule_set.thresholds
    if thresholds.batch_returns_same_model_date is not None:
        batch.batch_keys = {
            model_date_key(*key): (key, total)
            for key, total in by_model_date.items()
            if total >= thresholds.batch_returns_same_model_date
        }
    if thresholds.major_returns_shipped_batch is not None:
        batch.majors = {
            shipped: total for shipped, total in by_shipped.items() if total >= thresholds.major_returns_shipped_batch
        }


async def _lock_incidents(session: AsyncSession, batch: _Batch) -> None:
    """Finds every incident this batch may touch, then locks them all at once."""
    batch.held = await incidents_repository.key_holders(session, list(batch.batch_keys), list(batch.majors))
    for shipped in batch.majors:
        if (MAJOR, shipped) in batch.held:
            continue
        model_dates = await repository.model_dates_of_shipped_batch(session, shipped)
        batch.model_dates[shipped] = model_dates
        keys = [model_date_key(model, day) for model, day in model_dates]
        batch.candidates[shipped] = await incidents_repository.upgrade_candidates(session, keys)
    wanted = {*batch.held.values(), *(i for ids in batch.candidates.values() for i in ids)}
    batch.locked = await incidents_repository.lock(session, wanted)


async def _batch_incidents(session: AsyncSession, batch: _Batch) -> None:
    """CLS-1/2: returns of one model and production date ≥ 50 → one batch incident, updated afterwards.
    The keys a fetched batch carries over the threshold are opened together, in a few statements."""
    threshold = batch.rule_set.thresholds.batch_returns_same_model_date
    crossing: list[_Opening] = []
    for key, ((model, day), total) in sorted(batch.batch_keys.items()):
        observed = reason("returns_same_model_date", total, threshold)
        incident = batch.holder(BATCH, key)
        if incident is None:
            aggregate = {"model": model, "production_date": day}
            crossing.append(_Opening(key, observed, aggregate, aggregate))
        else:
            _update_observed(incident, observed, batch.at)
    opened = await _open(session, batch, BATCH, crossing)
    for opening, incident in zip(crossing, opened, strict=True):
        batch.held[(BATCH, opening.key)] = incident.id
        batch.locked[incident.id] = incident
        batch.opened.add(incident.id)
    await _publish_opened(session, batch, opened)


async def _major_incidents(session: AsyncSession, batch: _Batch) -> None:
    """CLS-1/2: returns of one shipped batch ≥ 500 → opens a major incident, or upgrades the one batch
    incident of that shipped batch's returns; later lines update it."""
    threshold = batch.rule_set.thresholds.major_returns_shipped_batch
    for shipped, total in sorted(batch.majors.items()):
        observed = reason("returns_shipped_batch", total, threshold)
        incident = batch.holder(MAJOR, shipped)
        if incident is not None:
            _update_observed(incident, observed, batch.at)
            continue
        candidates = await _still_candidates(session, batch, shipped)
        if len(candidates) == 1:
            incident = candidates[0]
            await _upgrade(session, batch, incident, shipped, observed)
        else:
            incident = await _open_major(session, batch, shipped, observed)
        batch.held[(MAJOR, shipped)] = incident.id


async def _still_candidates(session: AsyncSession, batch: _Batch, shipped: str) -> list[Incident]:
    """The batch incidents of the shipped batch's (model, date)s, open and not yet major for another
    shipped batch, now that they are locked; with those this very batch opened."""
    locked = [batch.locked[i] for i in batch.candidates.get(shipped, []) if i in batch.locked]
    majors = await incidents_repository.holding_major_keys(session, [i.id for i in locked])
    found = {i.id: i for i in locked if i.status == "open" and i.id not in majors}
    for model, day in batch.model_dates.get(shipped, []):
        opened = batch.holder(BATCH, model_date_key(model, day))
        if opened is not None and opened.id in batch.opened:
            found[opened.id] = opened
    return sorted(found.values(), key=lambda i: i.id)


async def _open_major(session: AsyncSession, batch: _Batch, shipped: str, observed: dict[str, Any]) -> Incident:
    model_dates = batch.model_dates.get(shipped, [])
    models = {model for model, _ in model_dates}
    days = {day for _, day in model_dates}
    facts = {
        "model": next(iter(models)) if len(models) == 1 else None,
        "production_date": next(iter(days)) if len(days) == 1 else None,
        "shipped_batch_no": shipped,
    }
    [incident] = await _open(session, batch, MAJOR, [_Opening(shipped, observed, {"shipped_batch_no": shipped}, facts)])
    await _publish_opened(session, batch, [incident])
    return incident


@dataclass(frozen=True)
class _Opening:
    """An aggregate key that crossed its threshold: what its incident observed and stands for."""

    key: str
    observed: dict[str, Any]
    aggregate: dict[str, Any]
    facts: dict[str, Any]


async def _open(session: AsyncSession, batch: _Batch, kind: str, openings: list[_Opening]) -> list[Incident]:
    """Opens one incident per key, each claiming its key, with a statement per table, not per key."""
    if not openings:
        return []
    responsibility = await rules_service.responsibility_for(session, None)
    incidents = [
        Incident(
            id=uuid.uuid4(),
            level=kind,
            status="open",
            origin="returns",
            reasons=[opening.observed],
            rule_version=batch.rule_set.version,
            responsible_department=responsibility.department,
            responsible_head=responsibility.head,
            description=(
                f"returns of {opening.key} reached {opening.observed['observed']} "
                f"(threshold {opening.observed['threshold']})"
            ),
            created_at=batch.at,
            updated_at=batch.at,
            **opening.facts,
        )
        for opening in openings
    ]
    histories = [("opened", incidents_service.SYSTEM, {"from": "returns", "key": o.key}) for o in openings]
    await incidents_repository.add_many(session, incidents, [], histories, batch.at)
    claims = [(o.key, incident.id, o.aggregate) for o, incident in zip(openings, incidents, strict=True)]
    taken = {o.key for o in openings} - await incidents_repository.claim_keys(session, kind, claims)
    if taken:
        # The aggregate rows are locked by this transaction, so nobody else can hold the keys: a bug if so.
        raise RuntimeError(f"incident keys of kind {kind} taken although their aggregates are locked: {sorted(taken)}")
    count_when_committed(INCIDENTS_OPENED.labels("returns", kind), len(incidents))
    return incidents


async def _upgrade(
    session: AsyncSession, batch: _Batch, incident: Incident, shipped: str, observed: dict[str, Any]
) -> None:
    previous = incident.level
    incident.level = higher_level(previous, Level.MAJOR.value)
    incident.reasons = with_updated_reason(incident.reasons, observed)
    incident.shipped_batch_no = shipped
    incident.updated_at = batch.at
    claim = (shipped, incident.id, {"shipped_batch_no": shipped})
    if shipped not in await incidents_repository.claim_keys(session, MAJOR, [claim]):
        raise RuntimeError(f"incident key ({MAJOR}, {shipped}) is taken although its aggregate is locked")
    detail = {"from": previous, "to": incident.level, "shipped_batch_no": shipped, "reason": observed}
    await incidents_repository.add_history(
        session, incident.id, "escalated", incidents_service.SYSTEM, detail, batch.at
    )
    await _publish(session, batch, incident, previous)


def _update_observed(incident: Incident, observed: dict[str, Any], at: datetime) -> None:
    incident.reasons = with_updated_reason(incident.reasons, observed)
    incident.updated_at = at


async def _publish(session: AsyncSession, batch: _Batch, incident: Incident, previous_level: str | None) -> None:
    await session.flush()
    sources = (await incidents_repository.sources_of(session, [incident.id], incidents_service.EVENT_SOURCE_IDS))[
        incident.id
    ]
    if previous_level is not None and is_escalation(previous_level, incident.level):
        batch.events.append(incidents_service.escalated_event(incident, sources, previous_level))
    else:
        batch.events.append(incidents_service.classified_event(incident, sources))


async def _publish_opened(session: AsyncSession, batch: _Batch, incidents: list[Incident]) -> None:
    """``incident.classified`` for incidents this batch opened, their sources read in one query."""
    if not incidents:
        return
    await session.flush()
    opened = [incident.id for incident in incidents]
    sources = await incidents_repository.sources_of(session, opened, incidents_service.EVENT_SOURCE_IDS)
    batch.events.extend(incidents_service.classified_event(incident, sources[incident.id]) for incident in incidents)
