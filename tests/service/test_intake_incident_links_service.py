"""Intake applies a fetched batch of classification's incident events to the complaints they opened
in one statement; the newest fact wins against what a complaint already holds."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.intake.complaints import service
from shared.events.classification import IncidentClassifiedV1, IncidentClosedV1, IncidentEscalatedV1

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


async def a_complaint(session: AsyncSession) -> uuid.UUID:
    complaint_id = uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO complaints (id, complaint_no, kind, severity, channel, status, complainant, description, "
            "received_at, investigate_by, reply_by, calendar_estimated, recorded_by, owner, created_at, updated_at) "
            "VALUES (:id, :no, 'product', 'general', 'phone', 'received', '{}'::jsonb, '漏水', :at, :at, :at, false, "
            "'E-1', 'E-1', :at, :at)"
        ),
        {"id": complaint_id, "no": f"T-{complaint_id.hex[:12]}", "at": AT},
    )
    return complaint_id


def opened(complaint_id: uuid.UUID, incident_id: str) -> IncidentClassifiedV1:
    return IncidentClassifiedV1(
        incident_id=incident_id,
        level="general",
        status="open",
        source_ids=[str(complaint_id)],
        rule_version=1,
        origin="complaint",
        classified_at=AT,
    )


async def shown(session: AsyncSession, complaint_id: uuid.UUID) -> tuple[str | None, str | None]:
    row = (
        await session.execute(
            text("SELECT incident_level, incident_status FROM complaints WHERE id = :id"), {"id": complaint_id}
        )
    ).one()
    return row.incident_level, row.incident_status


async def test_a_batch_of_incident_events_leaves_each_complaint_its_newest_incident_fact(
    intake_session: AsyncSession,
) -> None:
    first, second = await a_complaint(intake_session), await a_complaint(intake_session)
    incident = str(uuid.uuid4())
    escalated = IncidentEscalatedV1(
        **{**opened(first, incident).model_dump(exclude={"classified_at"}), "level": "major", "status": "open"},
        previous_level="general",
        escalated_at=AT + timedelta(seconds=2),
    )
    await service.record_incidents(
        intake_session,
        [
            (opened(first, incident), AT),
            (escalated, AT + timedelta(seconds=2)),
            (opened(second, str(uuid.uuid4())), AT),
        ],
    )
    assert await shown(intake_session, first) == ("major", "open")
    assert await shown(intake_session, second) == ("general", "open")


async def test_an_incident_event_older_than_what_the_complaint_shows_changes_nothing(
    intake_session: AsyncSession,
) -> None:
    complaint = await a_complaint(intake_session)
    incident = str(uuid.uuid4())
    closed = IncidentClosedV1(
        **{**opened(complaint, incident).model_dump(exclude={"classified_at"}), "status": "closed"},
        closed_by="E-05",
        closed_at=AT + timedelta(minutes=5),
    )
    await service.record_incidents(intake_session, [(closed, AT + timedelta(minutes=5))])
    await service.record_incidents(intake_session, [(opened(complaint, incident), AT)])
    assert await shown(intake_session, complaint) == ("general", "closed")
