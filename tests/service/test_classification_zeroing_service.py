"""CLS-7 emergency plan and CLS-8 归零 closure in the service layer: flagging an incident opens its
steps, each step records who did it and when, evidence is kept per item, and the incident closes only
once nothing is missing, with its history and its closed event in the caller's transaction."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.classification.incidents import service as incidents
from services.classification.incidents.models import Incident, IncidentHistory
from services.classification.levels.rules import Level
from services.classification.zeroing import service as zeroing
from services.classification.zeroing.rules import EMERGENCY_STEPS, FOUR_NOT_LET_GO, MANAGEMENT, TECHNICAL
from services.classification.zeroing.schemas import CloseIn, EmergencyIn, EvidenceIn, StepIn
from shared.auth import Principal
from shared.errors import Problem
from shared.events.intake import IncidentReportFiledV1
from tests.service.outbox import outbox_event_types, outbox_events

QM = Principal(sub="E-QM", name="钱敏", roles=["quality_manager"])
OCCURRED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
DONE = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
CLASSIFIED = "qms.classification.incident.classified.v1"
ESCALATED = "qms.classification.incident.escalated.v1"
CLOSED = "qms.classification.incident.closed.v1"
PUNITIVE_AND_SIX_FAILED = EmergencyIn.model_validate(
    {"triggers": [{"trigger": "customer_punitive_measures"}, {"trigger": "assembly_failures", "pieces": 6}]}
)


async def a_general_incident(session: AsyncSession) -> Incident:
    """A shop-floor scrap report of 10 pieces, no loss and no production rate: a general incident."""
    report = IncidentReportFiledV1(
        report_id=f"R-{uuid.uuid4()}",
        kind="scrap",
        model=f"VX-{uuid.uuid4().hex[:8]}",
        quantity=10,
        loss_amount=Decimal("0.00"),
        description="铸件砂眼",
        reported_by="E-17",
        occurred_at=OCCURRED,
    )
    incident = await incidents.open_for_report(session, report)
    assert incident is not None and incident.level == "general"
    return incident


async def a_batch_incident(session: AsyncSession) -> Incident:
    """A general incident the quality department set to batch (CLS-3): it closes only through 归零."""
    incident = await a_general_incident(session)
    return await incidents.reclassify(session, incident.id, Level.BATCH, "整批报废", QM)


async def record(session: AsyncSession, incident: Incident, items: tuple[str, ...] | list[str]) -> None:
    for item in items:
        await zeroing.record_evidence(session, incident.id, item, EvidenceIn(evidence=f"报告 {item}"), QM)


async def history_of(session: AsyncSession, incident: Incident) -> list[tuple[str, str, dict[str, Any]]]:
    rows = await session.execute(
        select(IncidentHistory.action, IncidentHistory.actor, IncidentHistory.detail)
        .where(IncidentHistory.incident_id == incident.id)
        .order_by(IncidentHistory.id)
    )
    return [(row.action, row.actor, row.detail) for row in rows]


async def test_cls7_flagging_an_emergency_opens_its_six_steps_in_order_with_the_claimed_triggers(
    classification_session: AsyncSession,
) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
    plan = await zeroing.emergency_out(classification_session, incident)
    triggers = [
        {"rule": "CLS-7", "fact": "customer_punitive_measures", "observed": True, "threshold": True},
        {"rule": "CLS-7", "fact": "assembly_failures", "observed": 6, "threshold": 5},
    ]
    assert (plan.emergency, plan.triggers, plan.next_step) == (True, triggers, "report_to_leadership")
    assert [(s.position, s.step, s.done, s.done_by) for s in plan.steps] == [
        (1, "report_to_leadership", False, None),
        (2, "meeting", False, None),
        (3, "rectification_notice", False, None),
        (4, "approved_measures", False, None),
        (5, "verification", False, None),
        (6, "report", False, None),
    ]
    assert (await history_of(classification_session, incident))[-1] == (
        "emergency_flagged",
        "E-QM",
        {"triggers": triggers, "note": None},
    )
    [opened, flagged] = await outbox_events(classification_session, str(incident.id))
    assert (opened[0], opened[1]["emergency"]) == (CLASSIFIED, False)
    assert (flagged[0], flagged[1]["emergency"]) == (CLASSIFIED, True)


async def test_cls7_a_trigger_below_its_threshold_is_refused_and_flags_nothing(
    classification_session: AsyncSession,
) -> None:
    incident = await a_general_incident(classification_session)
    claimed = EmergencyIn.model_validate(
        {"triggers": [{"trigger": "customer_punitive_measures"}, {"trigger": "assembly_failures", "pieces": 4}]}
    )
    with pytest.raises(Problem) as refused:
        await zeroing.flag_emergency(classification_session, incident.id, claimed, QM)
    assert (refused.value.status, refused.value.code) == (422, "trigger_below_threshold")
    assert refused.value.extensions == {
        "threshold": 5,
        "unmet": [{"trigger": "assembly_failures", "pieces": 4, "threshold": 5}],
    }
    assert (incident.emergency, incident.emergency_triggers) == (False, [])
    assert [action for action, _, _ in await history_of(classification_session, incident)] == ["opened"]


async def test_cls7_completing_a_step_records_who_did_it_and_when(classification_session: AsyncSession) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
    step = StepIn.model_validate({"note": "已报告总经理", "done_at": "2026-11-25T09:30:00+08:00"})
    await zeroing.complete_step(classification_session, incident.id, "report_to_leadership", step, QM)
    plan = await zeroing.emergency_out(classification_session, incident)
    first = plan.steps[0]
    assert (first.step, first.done, first.done_by, first.done_by_name, first.done_at, first.note) == (
        "report_to_leadership",
        True,
        "E-QM",
        "钱敏",
        DONE,
        "已报告总经理",
    )
    assert [s.done for s in plan.steps] == [True, False, False, False, False, False]
    assert plan.next_step == "meeting"
    assert (await history_of(classification_session, incident))[-1] == (
        "emergency_step",
        "E-QM",
        {"step": "report_to_leadership", "note": "已报告总经理", "done_at": "2026-11-25T09:30:00+08:00"},
    )


async def test_cls7_a_step_out_of_order_is_refused_naming_the_next_step(classification_session: AsyncSession) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
    with pytest.raises(Problem) as refused:
        await zeroing.complete_step(classification_session, incident.id, "meeting", StepIn(note="会议"), QM)
    assert (refused.value.status, refused.value.code) == (409, "emergency_step_out_of_order")
    assert refused.value.extensions == {"next_step": "report_to_leadership"}
    assert [s.done for s in (await zeroing.emergency_out(classification_session, incident)).steps] == [False] * 6


async def test_cls7_an_unknown_step_is_refused_and_changes_nothing(classification_session: AsyncSession) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
    before = await history_of(classification_session, incident)
    with pytest.raises(Problem) as refused:
        await zeroing.complete_step(classification_session, incident.id, "celebration", StepIn(note="庆祝"), QM)
    assert (refused.value.status, refused.value.code) == (404, "not_found")
    plan = await zeroing.emergency_out(classification_session, incident)
    assert ([s.done for s in plan.steps], plan.next_step) == ([False] * 6, "report_to_leadership")
    assert await history_of(classification_session, incident) == before


async def test_cls7_a_step_on_an_incident_not_flagged_is_refused_and_changes_nothing(
    classification_session: AsyncSession,
) -> None:
    incident = await a_general_incident(classification_session)
    with pytest.raises(Problem) as refused:
        await zeroing.complete_step(
            classification_session, incident.id, "report_to_leadership", StepIn(note="已报告"), QM
        )
    assert (refused.value.status, refused.value.code) == (409, "emergency_not_flagged")
    plan = await zeroing.emergency_out(classification_session, incident)
    assert (plan.emergency, plan.next_step, [s.done for s in plan.steps]) == (False, None, [False] * 6)
    assert [action for action, _, _ in await history_of(classification_session, incident)] == ["opened"]


async def test_cls8_evidence_for_one_item_is_recorded_with_its_documents_and_who(
    classification_session: AsyncSession,
) -> None:
    incident = await a_batch_incident(classification_session)
    evidence = EvidenceIn(evidence="失效分析报告定位到浇口", documents=["FA-2026-118"])
    await zeroing.record_evidence(classification_session, incident.id, "located", evidence, QM)
    shown = await zeroing.zeroing_out(classification_session, incident)
    located = next(i for i in shown.items if i.item == "located")
    assert (located.group, located.done, located.evidence, located.documents, located.recorded_by) == (
        "technical",
        True,
        "失效分析报告定位到浇口",
        ["FA-2026-118"],
        "E-QM",
    )
    assert [i.item for i in shown.items if i.done] == ["located"]
    assert shown.required is True
    assert (await history_of(classification_session, incident))[-1] == (
        "zeroing_evidence",
        "E-QM",
        {"item": "located", "evidence": "失效分析报告定位到浇口", "documents": ["FA-2026-118"], "attachments": []},
    )


async def test_cls8_evidence_for_an_unknown_item_is_refused_and_records_nothing(
    classification_session: AsyncSession,
) -> None:
    incident = await a_batch_incident(classification_session)
    with pytest.raises(Problem) as refused:
        await zeroing.record_evidence(classification_session, incident.id, "luck", EvidenceIn(evidence="运气"), QM)
    assert (refused.value.status, refused.value.code) == (404, "not_found")
    assert [i.item for i in (await zeroing.zeroing_out(classification_session, incident)).items if i.done] == []


async def test_cls8_missing_lists_what_is_still_missing_by_group(classification_session: AsyncSession) -> None:
    incident = await a_batch_incident(classification_session)
    await record(classification_session, incident, [*TECHNICAL, "process_clear", "cause_found"])
    assert await zeroing.missing(classification_session, incident) == {
        "management": ["responsibility_clear", "measures_in_place", "dealt_with_seriously", "rules_improved"],
        "four_not_let_go": ["people_educated", "preventive_measures_taken", "responsible_dealt_with"],
    }


async def test_cls8_missing_of_a_flagged_incident_lists_the_emergency_steps_still_open(
    classification_session: AsyncSession,
) -> None:
    incident = await a_batch_incident(classification_session)
    await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
    await record(classification_session, incident, [*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO])
    for step in EMERGENCY_STEPS[:2]:
        await zeroing.complete_step(classification_session, incident.id, step, StepIn(note=f"{step} 完成"), QM)
    assert await zeroing.missing(classification_session, incident) == {"emergency_steps": list(EMERGENCY_STEPS[2:])}


async def test_cls8_closing_early_is_a_409_closure_incomplete_with_missing_and_changes_nothing(
    classification_session: AsyncSession,
) -> None:
    incident = await a_batch_incident(classification_session)
    await record(
        classification_session,
        incident,
        [i for i in (*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO) if i != "people_educated"],
    )
    with pytest.raises(Problem) as refused:
        await zeroing.close(classification_session, incident.id, CloseIn(summary="归零"), QM)
    assert (refused.value.status, refused.value.code) == (409, "closure_incomplete")
    assert refused.value.extensions == {"missing": {"four_not_let_go": ["people_educated"]}}
    assert (incident.status, incident.closed_by, incident.closed_at) == ("open", None, None)
    assert "closed" not in [action for action, _, _ in await history_of(classification_session, incident)]
    assert await outbox_event_types(classification_session, str(incident.id)) == [CLASSIFIED, ESCALATED]


async def test_cls8_a_complete_zeroing_closes_the_incident_with_its_history_and_closed_event(
    classification_session: AsyncSession,
) -> None:
    incident = await a_batch_incident(classification_session)
    await record(classification_session, incident, [*TECHNICAL, *MANAGEMENT, *FOUR_NOT_LET_GO])
    assert await zeroing.missing(classification_session, incident) == {}
    closed = await zeroing.close(classification_session, incident.id, CloseIn(summary="归零完成"), QM)
    assert (closed.id, closed.status, closed.closed_by, closed.closing_summary) == (
        incident.id,
        "closed",
        "E-QM",
        "归零完成",
    )
    assert closed.closed_at is not None
    assert (await history_of(classification_session, incident))[-1] == ("closed", "E-QM", {"summary": "归零完成"})
    events = await outbox_events(classification_session, str(incident.id))
    assert [event for event, _ in events] == [CLASSIFIED, ESCALATED, CLOSED]
    data = events[-1][1]
    assert (data["incident_id"], data["status"], data["level"], data["closed_by"], data["closing_summary"]) == (
        str(incident.id),
        "closed",
        "batch",
        "E-QM",
        "归零完成",
    )
    assert datetime.fromisoformat(data["closed_at"]) == closed.closed_at


async def test_cls8_a_general_incident_closes_without_zeroing(classification_session: AsyncSession) -> None:
    incident = await a_general_incident(classification_session)
    shown = await zeroing.zeroing_out(classification_session, incident)
    assert (shown.required, shown.missing) == (False, {})
    closed = await zeroing.close(classification_session, incident.id, CloseIn(summary="已处理"), QM)
    assert (closed.status, closed.closed_by) == ("closed", "E-QM")
    assert await outbox_event_types(classification_session, str(incident.id)) == [CLASSIFIED, CLOSED]


async def test_cls8_closing_an_incident_already_closed_is_refused_and_writes_nothing_more(
    classification_session: AsyncSession,
) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.close(classification_session, incident.id, CloseIn(summary="已处理"), QM)
    before = await history_of(classification_session, incident)
    with pytest.raises(Problem) as refused:
        await zeroing.close(classification_session, incident.id, CloseIn(summary="再次关闭"), QM)
    assert (refused.value.status, refused.value.code) == (409, "incident_closed")
    assert incident.closing_summary == "已处理"
    assert await history_of(classification_session, incident) == before
    assert await outbox_event_types(classification_session, str(incident.id)) == [CLASSIFIED, CLOSED]


@pytest.mark.parametrize("decision", ["emergency", "step", "evidence"])
async def test_cls7_cls8_a_closed_incident_takes_no_emergency_step_or_evidence_and_writes_nothing(
    classification_session: AsyncSession, decision: str
) -> None:
    incident = await a_general_incident(classification_session)
    await zeroing.close(classification_session, incident.id, CloseIn(summary="已处理"), QM)
    before = await history_of(classification_session, incident)
    with pytest.raises(Problem) as refused:
        if decision == "emergency":
            await zeroing.flag_emergency(classification_session, incident.id, PUNITIVE_AND_SIX_FAILED, QM)
        elif decision == "step":
            await zeroing.complete_step(
                classification_session, incident.id, EMERGENCY_STEPS[0], StepIn(note="会议"), QM
            )
        else:
            await zeroing.record_evidence(
                classification_session, incident.id, "located", EvidenceIn(evidence="报告"), QM
            )
    assert (refused.value.status, refused.value.code) == (409, "incident_closed")
    assert incident.emergency is False
    assert await history_of(classification_session, incident) == before
    assert await outbox_event_types(classification_session, str(incident.id)) == [CLASSIFIED, CLOSED]
