"""CLS-2: returns aggregates and the incidents they open, set-based per fetched batch (never commits).

Exactness comes from SQL, not from memory: a line id is stored once (unique), totals are added with
``INSERT … ON CONFLICT DO UPDATE … RETURNING``, and an aggregate incident is claimed under a unique
(kind, key). The aggregate row stays locked until the transaction ends, so whoever crosses a threshold
is the only one deciding about that key, even with several consumers sharing a shipped batch.
"""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository as incidents_repository
from services.classification.incidents import service as incidents_service
from services.classification.incidents.models import Incident
from services.classification.metrics import INCIDENTS_OPENED, RETURN_LINES
from services.classification.returns import repository
from services.classification.returns.rules import (
    first_of_each_line,
    model_date_key,
    sums_by_model_date,
    sums_by_shipped_batch,
)
from services.classification.rules import service as rules_service
from services.classification.rules.rules import Level, higher_level, is_escalation, reason, with_updated_reason
from shared.events.intake import ReturnRecordedV1
from shared.events.registry import EventData
from shared.outbox import add_events

BATCH, MAJOR = "batch", "major"


class _Batch:
    """What one fetched batch decides: the rule set in force, the fresh lines, the events to publish."""

    def __init__(self, rule_set: rules_service.RuleSetInForce, fresh: list[ReturnRecordedV1]) -> None:
        self.rule_set = rule_set
        self.fresh = fresh
        self.at = datetime.now(UTC)
        self.events: list[EventData] = []


async def record_returns(session: AsyncSession, lines: list[ReturnRecordedV1]) -> None:
    unique = first_of_each_line(lines)
    stored = await repository.insert_new_lines(session, unique)
    fresh = [line for line in unique if line.line_id in stored]
    RETURN_LINES.labels("duplicate").inc(len(lines) - len(fresh))
    if not fresh:
        return
    RETURN_LINES.labels("counted").inc(len(fresh))
    by_model_date = await repository.add_to_model_dates(session, sums_by_model_date(fresh))
    by_shipped_batch = await repository.add_to_shipped_batches(session, sums_by_shipped_batch(fresh))
    batch = _Batch(await rules_service.rule_set_in_force(session), fresh)
    await _batch_incidents(session, batch, by_model_date)
    await _major_incidents(session, batch, by_shipped_batch)
    await add_events(session, batch.events)


async def _batch_incidents(session: AsyncSession, batch: _Batch, totals: dict[tuple[str, date], int]) -> None:
    """CLS-1/2: returns of one model and production date ≥ 50 → one batch incident, updated afterwards."""
    threshold = batch.rule_set.thresholds.batch_returns_same_model_date
    if threshold is None:
        return
    over = {model_date_key(*key): (key, total) for key, total in totals.items() if total >= threshold}
    existing = await incidents_repository.incidents_by_keys(session, BATCH, over)
    for key, ((model, day), total) in sorted(over.items()):
        observed = reason("returns_same_model_date", total, threshold)
        incident = existing.get(key)
        if incident is None:
            aggregate = {"model": model, "production_date": day}
            incident = await _open(session, batch, BATCH, key, observed, aggregate, aggregate)
            await _publish(session, batch, incident, None)
        else:
            _update_observed(incident, observed, batch.at)


async def _major_incidents(session: AsyncSession, batch: _Batch, totals: dict[str, int]) -> None:
    """CLS-1/2: returns of one shipped batch ≥ 500 → opens a major incident, or upgrades the one batch
    incident of that shipped batch's returns; later lines update it."""
    threshold = batch.rule_set.thresholds.major_returns_shipped_batch
    if threshold is None:
        return
    over = {shipped: total for shipped, total in totals.items() if total >= threshold}
    existing = await incidents_repository.incidents_by_keys(session, MAJOR, over)
    for shipped, total in sorted(over.items()):
        observed = reason("returns_shipped_batch", total, threshold)
        incident = existing.get(shipped)
        if incident is not None:
            _update_observed(incident, observed, batch.at)
            continue
        model_dates = await repository.model_dates_of_shipped_batch(session, shipped)
        candidates = await incidents_repository.upgrade_candidates(
            session, [model_date_key(model, day) for model, day in model_dates]
        )
        if len(candidates) == 1:
            await _upgrade(session, batch, candidates[0], shipped, observed)
        else:
            models = {model for model, _ in model_dates}
            days = {day for _, day in model_dates}
            incident = await _open(
                session,
                batch,
                MAJOR,
                shipped,
                observed,
                {"shipped_batch_no": shipped},
                {
                    "model": next(iter(models)) if len(models) == 1 else None,
                    "production_date": next(iter(days)) if len(days) == 1 else None,
                    "shipped_batch_no": shipped,
                },
            )
            await _publish(session, batch, incident, None)


async def _open(
    session: AsyncSession,
    batch: _Batch,
    kind: str,
    key: str,
    observed: dict[str, Any],
    aggregate: dict[str, Any],
    facts: dict[str, Any],
) -> Incident:
    responsibility = await rules_service.responsibility_for(session, None)
    incident = Incident(
        id=uuid.uuid4(),
        level=kind,
        status="open",
        origin="returns",
        reasons=[observed],
        rule_version=batch.rule_set.version,
        responsible_department=responsibility.department,
        responsible_head=responsibility.head,
        description=f"returns of {key} reached {observed['observed']} (threshold {observed['threshold']})",
        created_at=batch.at,
        updated_at=batch.at,
        **facts,
    )
    session.add(incident)
    await session.flush()
    if not await incidents_repository.claim_key(session, kind, key, incident.id, **aggregate):
        # The aggregate row is locked by this transaction, so nobody else can hold the key: a bug if so.
        raise RuntimeError(f"incident key ({kind}, {key}) is taken although its aggregate is locked")
    await incidents_repository.add_history(
        session, incident.id, "opened", incidents_service.SYSTEM, {"from": "returns", "key": key}, batch.at
    )
    INCIDENTS_OPENED.labels("returns", kind).inc()
    return incident


async def _upgrade(
    session: AsyncSession, batch: _Batch, incident: Incident, shipped: str, observed: dict[str, Any]
) -> None:
    previous = incident.level
    incident.level = higher_level(previous, Level.MAJOR.value)
    incident.reasons = with_updated_reason(incident.reasons, observed)
    incident.shipped_batch_no = shipped
    incident.updated_at = batch.at
    if not await incidents_repository.claim_key(session, MAJOR, shipped, incident.id, shipped_batch_no=shipped):
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
    sources = (await incidents_repository.sources_of(session, [incident.id]))[incident.id]
    if previous_level is not None and is_escalation(previous_level, incident.level):
        batch.events.append(incidents_service.escalated_event(incident, sources, previous_level))
    else:
        batch.events.append(incidents_service.classified_event(incident, sources))
