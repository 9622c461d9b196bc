"""CLS-2 orchestration in the service layer: the totals a batch of return lines reaches open, update
or upgrade the incident of their key, with its history and its event, in the caller's transaction."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents.models import Incident, IncidentHistory
from services.classification.returns.service import record_returns
from shared.events.intake import ReturnRecordedV1
from tests.service.outbox import outbox_event_types


def lines(count: int, quantity: int, model: str, shipped: str, day: date = date(2026, 11, 1)) -> list[ReturnRecordedV1]:
    return [
        ReturnRecordedV1(
            line_id=f"L-{uuid.uuid4()}",
            model=model,
            production_date=day,
            batch_no="B1",
            shipped_batch_no=shipped,
            quantity=quantity,
        )
        for _ in range(count)
    ]


async def incidents_of(session: AsyncSession, shipped_or_model: str) -> list[Incident]:
    found = await session.scalars(
        select(Incident).where((Incident.model == shipped_or_model) | (Incident.shipped_batch_no == shipped_or_model))
    )
    return list(found)


async def test_cls2_49_then_1_more_open_one_batch_incident_with_its_event(classification_session: AsyncSession) -> None:
    model = f"VX-{uuid.uuid4().hex[:8]}"
    await record_returns(classification_session, lines(1, 49, model, "S-1"))
    assert await incidents_of(classification_session, model) == []
    await record_returns(classification_session, lines(1, 1, model, "S-1"))
    [incident] = await incidents_of(classification_session, model)
    assert (incident.level, incident.origin, incident.reasons[0]["observed"]) == ("batch", "returns", 50)
    assert await outbox_event_types(classification_session, str(incident.id)) == [
        "qms.classification.incident.classified.v1"
    ]


async def test_cls2_more_returns_of_a_held_key_update_its_incident_never_open_a_second(
    classification_session: AsyncSession,
) -> None:
    model = f"VX-{uuid.uuid4().hex[:8]}"
    await record_returns(classification_session, lines(1, 50, model, "S-2"))
    await record_returns(classification_session, lines(2, 5, model, "S-2"))
    [incident] = await incidents_of(classification_session, model)
    assert incident.reasons[0]["observed"] == 60


async def test_cls2_shipped_batch_reaching_500_upgrades_its_batch_incident_to_major(
    classification_session: AsyncSession,
) -> None:
    model, shipped = f"VX-{uuid.uuid4().hex[:8]}", f"S-{uuid.uuid4().hex[:8]}"
    await record_returns(classification_session, lines(1, 50, model, shipped))
    await record_returns(classification_session, lines(1, 450, model, shipped))
    [incident] = await incidents_of(classification_session, model)
    assert (incident.level, incident.shipped_batch_no) == ("major", shipped)
    steps = await classification_session.scalars(
        select(IncidentHistory.action).where(IncidentHistory.incident_id == incident.id).order_by(IncidentHistory.id)
    )
    assert list(steps) == ["opened", "escalated"]
    assert await outbox_event_types(classification_session, str(incident.id)) == [
        "qms.classification.incident.classified.v1",
        "qms.classification.incident.escalated.v1",
    ]


async def test_cls2_shipped_batch_reaching_500_over_two_batch_incidents_opens_a_major(
    classification_session: AsyncSession,
) -> None:
    model, shipped = f"VX-{uuid.uuid4().hex[:8]}", f"S-{uuid.uuid4().hex[:8]}"
    await record_returns(classification_session, lines(1, 250, model, shipped, date(2026, 11, 1)))
    await record_returns(classification_session, lines(1, 250, model, shipped, date(2026, 11, 2)))
    found = await incidents_of(classification_session, model)
    assert sorted(incident.level for incident in found) == ["batch", "batch", "major"]
