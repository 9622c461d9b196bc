"""Incident decisions and their events (never commits)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import repository
from services.classification.incidents.models import Incident
from services.classification.incidents.repository import Sources
from services.classification.incidents.rules import RATED_KINDS, merged_reasons, report_facts, reported_facts
from services.classification.levels import repository as levels_repository
from services.classification.levels import service as levels_service
from services.classification.levels.models import ProductionRate
from services.classification.levels.rules import Level, Thresholds, classify, higher_level, is_escalation
from services.classification.levels.schemas import ProductionRateIn
from services.classification.levels.service import Responsibility
from services.classification.metrics import INCIDENTS_OPENED
from services.classification.suppliers import service as suppliers_service
from services.classification.zeroing.rules import zeroing_required
from shared.auth import Principal
from shared.clock import now
from shared.errors import conflict, found
from shared.events.classification import IncidentClassifiedV1, IncidentClosedV1, IncidentEscalatedV1
from shared.events.intake import ComplaintReceivedV1, ComplaintStatusChangedV1, IncidentReportFiledV1
from shared.messaging.outbox import add_event, add_events
from shared.observability import count_when_committed

SYSTEM = "system"
# A Kafka message stays well below the broker's limit even for an aggregate of many return lines.
EVENT_SOURCE_IDS = 1000


def new_incident(
    origin: str, level: str, rule_version: int, responsibility: Responsibility, at: datetime, **facts: Any
) -> Incident:
    """An open incident as it is first classified (CLS-1, CLS-2) and routed to its department (CLS-5)."""
    return Incident(
        id=uuid.uuid4(),
        status="open",
        origin=origin,
        level=level,
        rule_version=rule_version,
        responsible_department=responsibility.department,
        responsible_head=responsibility.head,
        created_at=at,
        updated_at=at,
        **facts,
    )


async def open_for_complaints(session: AsyncSession, complaints: list[ComplaintReceivedV1]) -> list[Incident]:
    """CLS-1: a product-quality complaint is a quality event; with no threshold crossed it is a general
    incident. A service complaint (服务态度, 效率 …) is no product-quality event and opens none.
    A fetched batch of complaints is opened with a handful of statements, not a handful per complaint."""
    wanted = {c.complaint_id: c for c in complaints if c.kind == "product_quality"}
    linked = await repository.linked_sources(session, list(wanted))
    fresh = [complaint for complaint_id, complaint in wanted.items() if complaint_id not in linked]
    if not fresh:
        return []
    rule_set = await levels_service.rule_set_in_force(session)
    responsibility = await levels_service.responsibility_for(session, None)
    at = now()
    incidents = [
        new_incident(
            "complaint",
            Level.GENERAL.value,
            rule_set.version,
            responsibility,
            at,
            reasons=[],
            model=complaint.product.model if complaint.product else None,
            production_date=complaint.product.production_date if complaint.product else None,
            quantity=complaint.product.quantity if complaint.product else None,
            customer_id=complaint.customer_id,
            description=complaint.description,
        )
        for complaint in fresh
    ]
    await repository.add_many(
        session,
        incidents,
        [
            (incident.id, complaint.complaint_id, "complaint")
            for incident, complaint in zip(incidents, fresh, strict=True)
        ],
        [("opened", SYSTEM, {"from": "complaint"})] * len(incidents),
        at,
    )
    await add_events(
        session,
        [
            classified_event(incident, Sources([complaint.complaint_id], 1))
            for incident, complaint in zip(incidents, fresh, strict=True)
        ],
    )
    count_when_committed(INCIDENTS_OPENED.labels("complaint", Level.GENERAL.value), len(incidents))
    return incidents


FINISHED_COMPLAINT = {"closed": "投诉已关闭 (complaint closed)", "rejected": "投诉不成立 (complaint rejected)"}


async def close_for_finished_complaint(session: AsyncSession, change: ComplaintStatusChangedV1) -> None:
    """A complaint closed, or found not to hold (投诉不成立), closes the incident it opened when that
    incident needs no 归零 and no other source keeps it open (every other source a finished complaint).
    An incident raised to batch or major, or judged important, stays for its 归零 (CLS-8)."""
    if change.to_status not in FINISHED_COMPLAINT:
        return
    await repository.record_finished_complaint(session, change.complaint_id, change.to_status, change.changed_at)
    for incident in await repository.open_incidents_of_source(session, change.complaint_id):
        detail = {"complaint_id": change.complaint_id, "complaint_status": change.to_status, "reason": change.reason}
        sources = await event_sources(session, incident)
        # An incident of more sources than an event names aggregates returns: it needs its 归零 anyway.
        others = [source for source in sources.ids if source != change.complaint_id]
        still_open = sorted(set(others) - await repository.finished_complaints(session, others))
        needs_zeroing = zeroing_required(incident.level, incident.problem_level)
        if needs_zeroing or still_open:
            stays = {**detail, "stays_open_for": "zeroing" if needs_zeroing else "other_sources"}
            action = f"complaint_{change.to_status}"
            await repository.add_history(session, incident.id, action, change.changed_by, stays, now())
            continue
        summary = f"{FINISHED_COMPLAINT[change.to_status]}: {change.reason or ''}".strip().rstrip(":")
        await close(session, incident, change.changed_by, summary, detail, change.changed_at, sources)


async def close(
    session: AsyncSession,
    incident: Incident,
    by: str,
    summary: str,
    detail: dict[str, Any],
    closed_at: datetime | None = None,
    sources: Sources | None = None,
) -> None:
    """The incident closes (CLS-8, or with its finished complaint): its history and
    IncidentClosedV1 say who closed it, when and why; ``closed_at`` is now unless it closed earlier."""
    at = now()
    incident.status = "closed"
    incident.closed_by, incident.closed_at, incident.closing_summary = by, closed_at or at, summary
    incident.updated_at = at
    await repository.add_history(session, incident.id, "closed", by, detail, at)
    if sources is None:
        sources = await event_sources(session, incident)
    closed = IncidentClosedV1(
        **event_fields(incident, sources), closed_by=by, closed_at=incident.closed_at, closing_summary=summary
    )
    await add_event(session, closed)


async def event_sources(session: AsyncSession, incident: Incident) -> Sources:
    """The sources an event of the incident names: as many as a Kafka message carries."""
    return (await repository.sources_of(session, [incident.id], EVENT_SOURCE_IDS))[incident.id]


async def open_for_report(session: AsyncSession, report: IncidentReportFiledV1) -> Incident | None:
    """CLS-1 on a shop-floor report, under the rule set in force; CLS-5 routes it by its cause.
    A report already linked to an incident (published again) opens nothing more."""
    if await repository.has_source(session, report.report_id):
        return None
    rule_set = await levels_service.rule_set_in_force(session)
    rate = None
    if report.kind in RATED_KINDS:
        rate = await levels_repository.rate_for(session, report.model, report.production_line)
    facts = report_facts(report, rate)
    decided = classify(facts, rule_set.thresholds)
    responsibility = await levels_service.responsibility_for(session, report.cause_category)
    at = now()
    incident = new_incident(
        "incident_report",
        decided.level.value,
        rule_set.version,
        responsibility,
        at,
        reasons=decided.reasons,
        rate_missing=decided.rate_missing,
        report_kind=report.kind,
        model=report.model,
        production_line=report.production_line,
        quantity=report.quantity,
        loss_amount=report.loss_amount,
        personal_injury=facts.personal_injury,
        reputation_damage=facts.reputation_damage,
        cause_category=report.cause_category,
        description=report.description,
    )
    await repository.add(session, incident, [(report.report_id, "incident_report")])
    await repository.add_history(
        session, incident.id, "opened", SYSTEM, {"from": "incident_report", "level": incident.level}, at
    )
    if report.kind == "supplier_material":
        await suppliers_service.open_issue(session, incident.id, report)
    await add_event(session, classified_event(incident, Sources([report.report_id], 1)))
    count_when_committed(INCIDENTS_OPENED.labels("incident_report", incident.level))
    return incident


async def set_rate(
    session: AsyncSession, model: str, payload: ProductionRateIn, principal: Principal
) -> tuple[ProductionRate, list[Incident]]:
    """CLS-1: a production rate set later classifies the model's open scrap/rework incidents that were
    ``rate_missing`` on their scrap or rework too; returns the rate and the incidents reclassified."""
    rate = await levels_service.set_rate(session, model, payload, principal)
    reclassified = []
    for incident in await repository.open_rate_missing(session, model):
        units_per_hour = await levels_repository.rate_for(session, model, incident.production_line)
        if units_per_hour is not None:
            await _reclassify_with_rate(session, incident, units_per_hour, principal)
            reclassified.append(incident)
    return rate, reclassified


async def _reclassify_with_rate(
    session: AsyncSession, incident: Incident, units_per_hour: Decimal, principal: Principal
) -> None:
    """Under the rule version the incident was classified with (CLS-3); the level only rises (a manual
    level stays unless the rate crosses a higher threshold); the history says which rule and rate."""
    version = await levels_repository.rule_set(session, incident.rule_version)
    thresholds = Thresholds.from_json(version.thresholds) if version else Thresholds()
    facts = reported_facts(
        incident.report_kind,
        incident.quantity,
        units_per_hour,
        incident.loss_amount,
        incident.personal_injury,
        incident.reputation_damage,
    )
    decided = classify(facts, thresholds)
    previous = incident.level
    at = now()
    incident.level = higher_level(previous, decided.level.value)
    incident.reasons = merged_reasons(incident.reasons, decided.reasons)
    incident.rate_missing = False
    incident.updated_at = at
    detail = {
        "rule": "CLS-1",
        "from": previous,
        "to": incident.level,
        "units_per_hour": f"{units_per_hour}",
        "production_line": incident.production_line,
        "reasons": decided.reasons,
        "reason": "production rate set",
    }
    await repository.add_history(session, incident.id, "reclassified_by_rate", principal.sub, detail, at)
    await publish_change(session, incident, previous)


async def existing(session: AsyncSession, incident_id: uuid.UUID, for_update: bool = False) -> Incident:
    """The incident, or a 404."""
    return found(await repository.get(session, incident_id, for_update), "incident", incident_id)


async def open_or_fail(session: AsyncSession, incident_id: uuid.UUID) -> Incident:
    """The incident, locked for this decision; a closed incident takes no more decisions (409)."""
    incident = await existing(session, incident_id, for_update=True)
    if incident.status == "closed":
        raise conflict("incident_closed", "the incident is closed; nothing about it can change any more")
    return incident


async def reclassify(
    session: AsyncSession, incident_id: uuid.UUID, level: Level, reason: str, principal: Principal
) -> Incident:
    """CLS-3: the quality department may set the level by hand, with a reason kept in the history.
    Returns later crossing a higher threshold still escalate it; nothing lowers it again by itself."""
    incident = await open_or_fail(session, incident_id)
    previous = incident.level
    at = now()
    incident.level = level.value
    incident.level_set_manually = True
    incident.updated_at = at
    await repository.add_history(
        session, incident.id, "reclassified", principal.sub, {"from": previous, "to": level.value, "reason": reason}, at
    )
    await publish_change(session, incident, previous)
    return incident


async def set_problem_level(
    session: AsyncSession, incident_id: uuid.UUID, problem_level: str, reason: str | None, principal: Principal
) -> Incident:
    """CLS-4: minor, general or important; an important problem closes only through 归零 (CLS-8)."""
    incident = await open_or_fail(session, incident_id)
    previous = incident.problem_level
    at = now()
    incident.problem_level = problem_level
    incident.updated_at = at
    detail = {"from": previous, "to": problem_level, "reason": reason}
    await repository.add_history(session, incident.id, "problem_level_set", principal.sub, detail, at)
    await publish_change(session, incident, incident.level)
    return incident


async def set_cause(
    session: AsyncSession, incident_id: uuid.UUID, cause: str, reason: str | None, principal: Principal
) -> Incident:
    """CLS-5: the cause category routes the incident to its department (and that department's head)."""
    incident = await open_or_fail(session, incident_id)
    responsibility = await levels_service.responsibility_for(session, cause)
    detail = {
        "from": incident.cause_category,
        "to": cause,
        "responsible_department": responsibility.department,
        "reason": reason,
    }
    at = now()
    incident.cause_category = cause
    incident.responsible_department = responsibility.department
    incident.responsible_head = responsibility.head
    incident.updated_at = at
    await repository.add_history(session, incident.id, "cause_set", principal.sub, detail, at)
    await publish_change(session, incident, incident.level)
    return incident


async def publish_change(session: AsyncSession, incident: Incident, previous_level: str) -> None:
    """A higher level is an escalation (IncidentEscalatedV1); anything else a new classification."""
    sources = await event_sources(session, incident)
    if is_escalation(previous_level, incident.level):
        await add_event(session, escalated_event(incident, sources, previous_level))
    else:
        await add_event(session, classified_event(incident, sources))


def event_fields(incident: Incident, sources: Sources) -> dict[str, Any]:
    return {
        "incident_id": str(incident.id),
        "level": incident.level,
        "problem_level": incident.problem_level,
        "status": incident.status,
        "reasons": incident.reasons,
        "source_ids": sources.ids[:EVENT_SOURCE_IDS],
        "source_count": sources.count,
        "rule_version": incident.rule_version,
        "model": incident.model,
        "production_date": incident.production_date,
        "shipped_batch_no": incident.shipped_batch_no,
        "cause_category": incident.cause_category,
        "responsible_department": incident.responsible_department,
        "responsible_head": incident.responsible_head,
        "origin": incident.origin,
        "emergency": incident.emergency,
        "description": incident.description,
    }


def classified_event(incident: Incident, sources: Sources) -> IncidentClassifiedV1:
    return IncidentClassifiedV1(**event_fields(incident, sources), classified_at=incident.updated_at)


def escalated_event(incident: Incident, sources: Sources, previous_level: str) -> IncidentEscalatedV1:
    return IncidentEscalatedV1(
        **event_fields(incident, sources), previous_level=previous_level, escalated_at=incident.updated_at
    )


@dataclass(frozen=True)
class SourcedIncident:
    """An incident as it is answered (``IncidentOut``): its own attributes, the first of its sources
    and how many there are, and whether it closes only through 归零 (CLS-8)."""

    incident: Incident
    sources: Sources

    def __getattr__(self, name: str) -> Any:
        return getattr(self.incident, name)

    @property
    def source_ids(self) -> list[str]:
        return self.sources.ids

    @property
    def source_count(self) -> int:
        return self.sources.count

    @property
    def zeroing_required(self) -> bool:
        return zeroing_required(self.incident.level, self.incident.problem_level)


async def sourced(session: AsyncSession, incidents: list[Incident]) -> list[SourcedIncident]:
    """The incidents with their sources, read in one statement."""
    sources = await repository.sources_of(session, [incident.id for incident in incidents])
    return [SourcedIncident(incident, sources[incident.id]) for incident in incidents]


async def sourced_one(session: AsyncSession, incident: Incident) -> SourcedIncident:
    return (await sourced(session, [incident]))[0]
